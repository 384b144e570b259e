#!/usr/bin/python3
"""PyTorch side of `npm run bench engine`: the same network, data shape, optimiser and thread count as the
livermrs engine, timed in this process (Debian's python3-torch). Run by bench/engine.ts, not by hand.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout.
  {"cmd": "setup", "spec": <native spec from src/nn/native.ts toNativeSpec>, "threads": n, "batch": b,
   "channels": c, "length": l, "head": name, "outputs": k, "lr": lr, "weightDecay": wd, "clip": c}
      -> {"parameters": count, "torch": version}
  {"cmd": "train", "steps": s}  -> {"seconds": t}   (s AdamW steps on one batch, MSE loss)
  {"cmd": "infer", "batches": s} -> {"seconds": t}  (s forward passes in eval mode, inference_mode)
  {"cmd": "quit"}
"""
import json
import sys
import time

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, body, proj):
        super().__init__()
        self.body = body
        self.proj = proj

    def forward(self, x):
        return self.body(x) + (self.proj(x) if self.proj is not None else x)


def activation(layer):
    fn = layer["text"]["fn"]
    reals = layer.get("reals", {})
    return {
        "relu": lambda: nn.ReLU(),
        "gelu": lambda: nn.GELU(),
        "elu": lambda: nn.ELU(alpha=reals["alpha"]),
        "leaky_relu": lambda: nn.LeakyReLU(negative_slope=reals["slope"]),
        "tanh": lambda: nn.Tanh(),
        "sigmoid": lambda: nn.Sigmoid(),
        "silu": lambda: nn.SiLU(),
    }[fn]()


def build_layer(layer):
    t = layer["type"]
    i = layer.get("ints", {})
    r = layer.get("reals", {})
    if t == "conv1d":
        return nn.Conv1d(i["in"], i["out"], i["kernel"], stride=i["stride"], padding=i["padding"],
                         dilation=i["dilation"], groups=i["groups"], bias=bool(i["bias"]))
    if t == "batchnorm1d":
        return nn.BatchNorm1d(i["features"], eps=r["eps"], momentum=r["momentum"])
    if t == "layernorm":
        return nn.LayerNorm(layer["shape"], eps=r["eps"])
    if t == "activation":
        return activation(layer)
    if t == "dropout":
        return nn.Dropout(r["p"])
    if t == "maxpool1d":
        return nn.MaxPool1d(i["kernel"], stride=i["stride"], padding=i["padding"])
    if t == "avgpool1d":
        return nn.AvgPool1d(i["kernel"], stride=i["stride"], padding=i["padding"],
                            count_include_pad=bool(i["countIncludePad"]))
    if t == "adaptive_avgpool1d":
        return nn.AdaptiveAvgPool1d(i["size"])
    if t == "adaptive_maxpool1d":
        return nn.AdaptiveMaxPool1d(i["size"])
    if t == "flatten":
        return nn.Flatten()
    if t == "linear":
        return nn.Linear(i["in"], i["out"], bias=bool(i["bias"]))
    if t == "residual":
        proj = layer.get("projection", [])
        return Residual(build(layer.get("body", [])), build(proj) if proj else None)
    raise ValueError(f"unknown layer type {t}")


def build(layers):
    return nn.Sequential(*[build_layer(l) for l in layers])


class Net(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.trunk = build(spec["trunk"])
        self.heads = nn.ModuleDict({h["name"]: build(h["layers"]) for h in spec["heads"]})

    def forward(self, x):
        z = self.trunk(x)
        return {name: head(z) for name, head in self.heads.items()}


def main():
    state = {}
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg["cmd"]
        if cmd == "setup":
            torch.set_num_threads(msg["threads"])
            torch.set_num_interop_threads(1)
            torch.manual_seed(1)
            net = Net(msg["spec"])
            decay = [p for p in net.parameters() if p.dim() > 1]
            no_decay = [p for p in net.parameters() if p.dim() <= 1]
            opt = torch.optim.AdamW([{"params": decay, "weight_decay": msg["weightDecay"]},
                                     {"params": no_decay, "weight_decay": 0.0}], lr=msg["lr"])
            b = msg["batch"]
            state = dict(net=net, opt=opt, head=msg["head"], clip=msg["clip"], lr=msg["lr"],
                         x=torch.randn(b, msg["channels"], msg["length"]), y=torch.randn(b, msg["outputs"]))
            answer = {"parameters": sum(p.numel() for p in net.parameters()), "torch": torch.__version__,
                      "threads": torch.get_num_threads()}
        elif cmd == "train":
            net, opt, x, y = state["net"], state["opt"], state["x"], state["y"]
            net.train()
            start = time.perf_counter()
            for _ in range(msg["steps"]):
                for g in opt.param_groups:
                    g["lr"] = state["lr"]
                loss = nn.functional.mse_loss(net(x)[state["head"]], y)
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(net.parameters(), state["clip"])
                opt.step()
                loss.item()
            answer = {"seconds": time.perf_counter() - start}
        elif cmd == "infer":
            net, x = state["net"], state["x"]
            net.eval()
            start = time.perf_counter()
            with torch.inference_mode():
                for _ in range(msg["batches"]):
                    net(x)[state["head"]].numpy()
            answer = {"seconds": time.perf_counter() - start}
        elif cmd == "quit":
            return
        else:
            answer = {"error": f"unknown command {cmd}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
