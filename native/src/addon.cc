// N-API glue for the livermrs engine (node-addon-api). Converts JavaScript values to the plain structures of
// engine.h and runs every compute call on libuv's thread pool (Napi::AsyncWorker), returning a Promise, so the
// event loop (and a data producer on it) keeps running while libtorch works.
//
// The TypeScript side (src/nn/native.ts) has validated shapes and specs before anything arrives here; the checks in
// this file only protect the process from a caller that bypasses it.
#include <napi.h>

#include <cstring>
#include <functional>

#include "engine.h"

namespace {

/** Throws a JavaScript Error with a `code` ('invalid', 'nonfinite' or 'internal') the TypeScript side maps. */
[[noreturn]] void fail(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  throw err;
}

Napi::Object objectArg(const Napi::Value& v, const char* what) {
  if (!v.IsObject()) fail(v.Env(), "invalid", std::string(what) + " must be an object");
  return v.As<Napi::Object>();
}

Napi::Array arrayArg(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) fail(v.Env(), "invalid", std::string(what) + " must be an array");
  return v.As<Napi::Array>();
}

double numberArg(const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) fail(v.Env(), "invalid", std::string(what) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

int64_t positiveInt(const Napi::Value& v, const char* what) {
  double d = numberArg(v, what);
  if (!(d >= 1) || d != static_cast<double>(static_cast<int64_t>(d))) {
    fail(v.Env(), "invalid", std::string(what) + " must be a positive integer");
  }
  return static_cast<int64_t>(d);
}

std::string stringArg(const Napi::Value& v, const char* what) {
  if (!v.IsString()) fail(v.Env(), "invalid", std::string(what) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

std::vector<int64_t> shapeArg(const Napi::Value& v, const char* what) {
  Napi::Array a = arrayArg(v, what);
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < a.Length(); ++i) shape.push_back(positiveInt(a.Get(i), what));
  return shape;
}

/** A Float32Array and its shape, borrowed (no copy); the caller keeps the array alive. */
lm::View viewArg(const Napi::Value& data, const Napi::Value& shape, const char* what) {
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    fail(data.Env(), "invalid", std::string(what) + " must be a Float32Array");
  }
  auto ta = data.As<Napi::Float32Array>();
  lm::View v;
  v.data = ta.Data();
  v.shape = shapeArg(shape, what);
  if (v.shape.empty()) fail(data.Env(), "invalid", std::string(what) + ": shape has no batch dimension");
  if (v.numel() != static_cast<int64_t>(ta.ElementLength())) {
    fail(data.Env(), "invalid", std::string(what) + ": length does not match its shape");
  }
  return v;
}

lm::Layer layerArg(const Napi::Value& value) {
  Napi::Object o = objectArg(value, "layer");
  lm::Layer l;
  l.type = stringArg(o.Get("type"), "layer.type");
  auto each = [&](const char* key, const std::function<void(const std::string&, const Napi::Value&)>& f) {
    if (!o.Has(key)) return;
    Napi::Object m = objectArg(o.Get(key), key);
    Napi::Array names = m.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string k = names.Get(i).As<Napi::String>().Utf8Value();
      f(k, m.Get(k));
    }
  };
  each("ints", [&](const std::string& k, const Napi::Value& v) {
    l.ints[k] = static_cast<int64_t>(numberArg(v, "layer.ints"));
  });
  each("reals", [&](const std::string& k, const Napi::Value& v) { l.reals[k] = numberArg(v, "layer.reals"); });
  each("text", [&](const std::string& k, const Napi::Value& v) { l.text[k] = stringArg(v, "layer.text"); });
  if (o.Has("shape")) l.shape = shapeArg(o.Get("shape"), "layer.shape");
  auto list = [&](const char* key, std::vector<lm::Layer>& dst) {
    if (!o.Has(key)) return;
    Napi::Array a = arrayArg(o.Get(key), key);
    for (uint32_t i = 0; i < a.Length(); ++i) dst.push_back(layerArg(a.Get(i)));
  };
  list("body", l.body);
  list("projection", l.projection);
  return l;
}

std::vector<lm::Layer> layersArg(const Napi::Value& v) {
  std::vector<lm::Layer> out;
  Napi::Array a = arrayArg(v, "layers");
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(layerArg(a.Get(i)));
  return out;
}

lm::NetSpec specArg(const Napi::Value& v) {
  Napi::Object o = objectArg(v, "spec");
  lm::NetSpec spec;
  spec.trunk = layersArg(o.Get("trunk"));
  Napi::Array heads = arrayArg(o.Get("heads"), "spec.heads");
  for (uint32_t i = 0; i < heads.Length(); ++i) {
    Napi::Object h = objectArg(heads.Get(i), "head");
    spec.heads.push_back({stringArg(h.Get("name"), "head.name"), layersArg(h.Get("layers"))});
  }
  return spec;
}

std::vector<lm::LossTerm> lossArg(const Napi::Value& v) {
  std::vector<lm::LossTerm> terms;
  Napi::Array a = arrayArg(v, "loss");
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Object o = objectArg(a.Get(i), "loss term");
    lm::LossTerm t;
    t.kind = stringArg(o.Get("kind"), "loss.kind");
    t.head = stringArg(o.Get("head"), "loss.head");
    if (o.Has("head2")) t.head2 = stringArg(o.Get("head2"), "loss.head2");
    t.target = stringArg(o.Get("target"), "loss.target");
    t.weight = numberArg(o.Get("weight"), "loss.weight");
    if (o.Has("delta")) t.delta = numberArg(o.Get("delta"), "loss.delta");
    if (o.Has("posWeight")) t.posWeight = numberArg(o.Get("posWeight"), "loss.posWeight");
    terms.push_back(t);
  }
  return terms;
}

Napi::Float32Array toFloat32Array(Napi::Env env, const std::vector<float>& v) {
  auto out = Napi::Float32Array::New(env, v.size());
  if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(float));
  return out;
}

Napi::Object outputsToObject(Napi::Env env, const lm::Outputs& outputs) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [name, data] : outputs) o.Set(name, toFloat32Array(env, data));
  return o;
}

Napi::Object lossToObject(Napi::Env env, const lm::LossResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("loss", r.loss);
  Napi::Array terms = Napi::Array::New(env, r.terms.size());
  for (size_t i = 0; i < r.terms.size(); ++i) terms.Set(static_cast<uint32_t>(i), r.terms[i]);
  o.Set("terms", terms);
  return o;
}

/**
 * Runs `work` on the thread pool and settles a Promise with `finish`'s value. Every JavaScript value the work
 * borrows memory from is held by a persistent reference until the Promise settles.
 */
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> finish)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)),
        finish_(std::move(finish)) {}

  void keep(const Napi::Value& v) { kept_.push_back(Napi::Persistent(v)); }
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      work_();
    } catch (const lm::NonFiniteLoss& e) {
      code_ = "nonfinite";
      SetError(e.what());
    } catch (const std::invalid_argument& e) {
      code_ = "invalid";
      SetError(e.what());
    } catch (const std::exception& e) {
      code_ = "internal";
      SetError(lm::errorMessage(e));
    }
  }
  void OnOK() override { deferred_.Resolve(finish_(Env())); }
  void OnError(const Napi::Error& e) override {
    Napi::Object err = e.Value();
    err.Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(err);
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> finish_;
  std::vector<Napi::Reference<Napi::Value>> kept_;
  std::string code_ = "internal";
};

/** Runs a synchronous engine call, turning C++ exceptions into JavaScript errors with a code. */
template <class F>
auto guarded(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::invalid_argument& e) {
    fail(env, "invalid", e.what());
  } catch (const std::exception& e) {
    fail(env, "internal", lm::errorMessage(e));
  }
}

class NetworkWrap : public Napi::ObjectWrap<NetworkWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeNetwork",
                       {
                           InstanceMethod<&NetworkWrap::SetThreads>("setThreads"),
                           InstanceMethod<&NetworkWrap::ConfigureOptimizer>("configureOptimizer"),
                           InstanceMethod<&NetworkWrap::TrainBatch>("trainBatch"),
                           InstanceMethod<&NetworkWrap::Evaluate>("evaluate"),
                           InstanceMethod<&NetworkWrap::Predict>("predict"),
                           InstanceMethod<&NetworkWrap::PredictMcDropout>("predictMcDropout"),
                           InstanceMethod<&NetworkWrap::GetState>("getState"),
                           InstanceMethod<&NetworkWrap::SetState>("setState"),
                           InstanceMethod<&NetworkWrap::ParameterCount>("parameterCount"),
                       });
  }

  /** new NativeNetwork(spec, seed, threads, device) */
  explicit NetworkWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetworkWrap>(info) {
    Napi::Env env = info.Env();
    lm::NetSpec spec = specArg(info[0]);
    double seed = numberArg(info[1], "seed");
    int threads = static_cast<int>(positiveInt(info[2], "threads"));
    std::string device = stringArg(info[3], "device");
    net_ = guarded(env, [&] {
      return std::shared_ptr<lm::Network>(lm::Network::create(spec, static_cast<uint64_t>(seed), threads, device));
    });
  }

 private:
  void SetThreads(const Napi::CallbackInfo& info) {
    net_->setThreads(static_cast<int>(positiveInt(info[0], "threads")));
  }

  /** configureOptimizer({lr, beta1, beta2, eps, weightDecay, decayAll, clipGradNorm}) */
  void ConfigureOptimizer(const Napi::CallbackInfo& info) {
    Napi::Object o = objectArg(info[0], "optimizer");
    lm::OptimConfig c;
    c.lr = numberArg(o.Get("lr"), "lr");
    c.beta1 = numberArg(o.Get("beta1"), "beta1");
    c.beta2 = numberArg(o.Get("beta2"), "beta2");
    c.eps = numberArg(o.Get("eps"), "eps");
    c.weightDecay = numberArg(o.Get("weightDecay"), "weightDecay");
    c.decayAll = o.Get("decayAll").ToBoolean().Value();
    c.clipGradNorm = numberArg(o.Get("clipGradNorm"), "clipGradNorm");
    guarded(info.Env(), [&] { net_->configureOptimizer(c); });
  }

  /** The target arrays by name; `arrays` collects the JavaScript arrays the views borrow from. */
  static std::map<std::string, lm::View> targetsArg(const Napi::Value& v, std::vector<Napi::Value>& arrays) {
    std::map<std::string, lm::View> targets;
    Napi::Object o = objectArg(v, "targets");
    Napi::Array names = o.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      Napi::Object t = objectArg(o.Get(name), "target");
      targets[name] = viewArg(t.Get("data"), t.Get("shape"), "target");
      arrays.push_back(t.Get("data"));
    }
    return targets;
  }

  /** Queues `work`, keeping this object and the input array alive until the Promise settles. */
  Napi::Value queue(const Napi::CallbackInfo& info, PromiseWorker* w) {
    w->keep(info.This());
    w->keep(info[0]);
    w->Queue();
    return w->promise();
  }

  using LossCall = std::function<lm::LossResult(lm::Network&, const lm::View&,
                                                const std::map<std::string, lm::View>&,
                                                const std::vector<lm::LossTerm>&)>;

  /** Shared by trainBatch and evaluate: (x, xShape, targets, loss, ...) -> Promise<{loss, terms}>. */
  Napi::Value lossCall(const Napi::CallbackInfo& info, LossCall call) {
    lm::View x = viewArg(info[0], info[1], "x");
    std::vector<Napi::Value> arrays;
    auto targets = targetsArg(info[2], arrays);
    auto loss = lossArg(info[3]);
    auto result = std::make_shared<lm::LossResult>();
    auto net = net_;
    auto* w = new PromiseWorker(
        info.Env(), [=] { *result = call(*net, x, targets, loss); },
        [=](Napi::Env env) { return lossToObject(env, *result); });
    for (const auto& a : arrays) w->keep(a);
    return queue(info, w);
  }

  /** trainBatch(x, xShape, targets, loss, lr) -> Promise<{loss, terms}> */
  Napi::Value TrainBatch(const Napi::CallbackInfo& info) {
    double lr = numberArg(info[4], "lr");
    return lossCall(info, [lr](lm::Network& net, const lm::View& x, const auto& targets, const auto& loss) {
      return net.trainBatch(x, targets, loss, lr);
    });
  }

  /** evaluate(x, xShape, targets, loss, batchSize) -> Promise<{loss, terms}> */
  Napi::Value Evaluate(const Napi::CallbackInfo& info) {
    int64_t batchSize = positiveInt(info[4], "batchSize");
    return lossCall(info, [batchSize](lm::Network& net, const lm::View& x, const auto& targets, const auto& loss) {
      return net.evaluate(x, targets, loss, batchSize);
    });
  }

  /** predict(x, xShape, batchSize) -> Promise<{[head]: Float32Array}> */
  Napi::Value Predict(const Napi::CallbackInfo& info) {
    lm::View x = viewArg(info[0], info[1], "x");
    int64_t batchSize = positiveInt(info[2], "batchSize");
    auto result = std::make_shared<lm::Outputs>();
    auto net = net_;
    auto* w = new PromiseWorker(
        info.Env(), [=] { *result = net->predict(x, batchSize); },
        [=](Napi::Env env) { return outputsToObject(env, *result); });
    return queue(info, w);
  }

  /** predictMcDropout(x, xShape, passes, batchSize) -> Promise<{mean: {...}, std: {...}}> */
  Napi::Value PredictMcDropout(const Napi::CallbackInfo& info) {
    lm::View x = viewArg(info[0], info[1], "x");
    int64_t passes = positiveInt(info[2], "passes");
    int64_t batchSize = positiveInt(info[3], "batchSize");
    auto result = std::make_shared<lm::McOutputs>();
    auto net = net_;
    auto* w = new PromiseWorker(
        info.Env(), [=] { *result = net->predictMcDropout(x, passes, batchSize); },
        [=](Napi::Env env) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("mean", outputsToObject(env, result->mean));
          o.Set("std", outputsToObject(env, result->std));
          return o;
        });
    return queue(info, w);
  }

  /** getState() -> [{name, shape, data: Float32Array}] (parameters, then buffers such as running means) */
  Napi::Value GetState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto state = guarded(env, [&] { return net_->getState(); });
    Napi::Array out = Napi::Array::New(env, state.size());
    for (size_t i = 0; i < state.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", state[i].name);
      Napi::Array shape = Napi::Array::New(env, state[i].shape.size());
      for (size_t k = 0; k < state[i].shape.size(); ++k) {
        shape.Set(static_cast<uint32_t>(k), static_cast<double>(state[i].shape[k]));
      }
      o.Set("shape", shape);
      o.Set("data", toFloat32Array(env, state[i].data));
      out.Set(static_cast<uint32_t>(i), o);
    }
    return out;
  }

  /** setState([{name, shape, data}]): all tensors of the network, checked before any is changed. */
  void SetState(const Napi::CallbackInfo& info) {
    Napi::Array a = arrayArg(info[0], "state");
    std::vector<lm::NamedArray> state;
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Object o = objectArg(a.Get(i), "state tensor");
      lm::NamedArray t;
      t.name = stringArg(o.Get("name"), "state.name");
      Napi::Array shape = arrayArg(o.Get("shape"), "state.shape");
      for (uint32_t k = 0; k < shape.Length(); ++k) {
        t.shape.push_back(static_cast<int64_t>(numberArg(shape.Get(k), "state.shape")));
      }
      Napi::Value data = o.Get("data");
      if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        fail(info.Env(), "invalid", "state tensor '" + t.name + "': data must be a Float32Array");
      }
      auto ta = data.As<Napi::Float32Array>();
      t.data.assign(ta.Data(), ta.Data() + ta.ElementLength());
      state.push_back(std::move(t));
    }
    guarded(info.Env(), [&] { net_->setState(state); });
  }

  Napi::Value ParameterCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(net_->parameterCount()));
  }

  std::shared_ptr<lm::Network> net_;
};

Napi::Value RuntimeInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  for (const auto& [k, v] : lm::runtimeInfo()) o.Set(k, v);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  lm::initialiseRuntime();
  exports.Set("NativeNetwork", NetworkWrap::Define(env));
  exports.Set("runtimeInfo", Napi::Function::New(env, RuntimeInfo));
  return exports;
}

}  // namespace

NODE_API_MODULE(livermrs_torch, Init)
