// libtorch implementation of lm::Network: builds torch::nn modules from resolved layers, trains with AdamW, runs
// inference and Monte Carlo dropout, moves weights in and out. This is the only translation unit that includes
// libtorch headers (they dominate compile time), and it includes only the parts it uses, not torch/torch.h.
#include "engine.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <dlfcn.h>
#include <torch/cuda.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>
#include <torch/version.h>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

namespace lm {

int64_t View::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

namespace {

using torch::Tensor;
using torch::nn::Sequential;

/**
 * The one thread on which all libtorch work of the process runs. OpenMP keeps a thread team per calling thread, so
 * running calls on whichever libuv pool thread is free would build up to four teams whose idle threads spin and
 * steal the cores from the busy one (measured: 2-thread training 30 % slower). One thread also serialises the
 * networks, which share the cores and the default CPU random generator (see RngScope).
 */
class ComputeThread {
 public:
  static ComputeThread& instance() {
    static ComputeThread* thread = new ComputeThread();  // never destroyed: no join at process exit
    return *thread;
  }

  /** Runs `f` on the compute thread and waits for it; exceptions are rethrown here. */
  template <class F>
  auto run(F&& f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::forward<F>(f));
    auto result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back([&task] { task(); });
    }
    ready_.notify_one();
    return result.get();
  }

 private:
  ComputeThread() : thread_([this] { loop(); }) { thread_.detach(); }

  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !queue_.empty(); });
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::thread thread_;
};

/** Runs `f` on the compute thread, reporting libtorch errors without their C++ backtrace. */
template <class F>
auto onComputeThread(F&& f) -> decltype(f()) {
  return ComputeThread::instance().run([&]() -> decltype(f()) {
    try {
      return f();
    } catch (const c10::Error& e) {
      throw std::runtime_error(e.what_without_backtrace());
    }
  });
}

/** Makes a network's own random stream the default CPU generator for the duration of one call. */
class RngScope {
 public:
  explicit RngScope(Tensor& state) : state_(state) {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state_);
  }
  ~RngScope() {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    state_ = gen.get_state();
  }
  RngScope(const RngScope&) = delete;
  RngScope& operator=(const RngScope&) = delete;

 private:
  Tensor& state_;
};

int64_t intOf(const Layer& l, const char* key) {
  auto it = l.ints.find(key);
  if (it == l.ints.end()) throw std::invalid_argument(l.type + ": missing integer option '" + key + "'");
  return it->second;
}

double realOf(const Layer& l, const char* key) {
  auto it = l.reals.find(key);
  if (it == l.reals.end()) throw std::invalid_argument(l.type + ": missing number option '" + key + "'");
  return it->second;
}

std::string textOf(const Layer& l, const char* key) {
  auto it = l.text.find(key);
  if (it == l.text.end()) throw std::invalid_argument(l.type + ": missing text option '" + key + "'");
  return it->second;
}

Sequential buildSequence(const std::vector<Layer>& layers);

/** A residual block: body(x) + skip(x), where skip is the identity or a projection (1x1 conv or linear). */
struct ResidualImpl : torch::nn::Module {
  Sequential body{nullptr};
  Sequential proj{nullptr};
  ResidualImpl(const std::vector<Layer>& bodyLayers, const std::vector<Layer>& projLayers) {
    body = register_module("body", buildSequence(bodyLayers));
    if (!projLayers.empty()) proj = register_module("proj", buildSequence(projLayers));
  }
  Tensor forward(const Tensor& x) {
    Tensor y = body->is_empty() ? x : body->forward(x);
    return proj ? y + proj->forward(x) : y + x;
  }
};
TORCH_MODULE(Residual);

void addActivation(Sequential& seq, const Layer& l) {
  const std::string fn = textOf(l, "fn");
  namespace nn = torch::nn;
  if (fn == "relu") seq->push_back(nn::ReLU());
  else if (fn == "gelu") seq->push_back(nn::GELU());
  else if (fn == "elu") seq->push_back(nn::ELU(nn::ELUOptions().alpha(realOf(l, "alpha"))));
  else if (fn == "leaky_relu")
    seq->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(realOf(l, "slope"))));
  else if (fn == "tanh") seq->push_back(nn::Tanh());
  else if (fn == "sigmoid") seq->push_back(nn::Sigmoid());
  else if (fn == "silu") seq->push_back(nn::SiLU());
  else throw std::invalid_argument("activation: unknown function '" + fn + "'");
}

void addLayer(Sequential& seq, const Layer& l) {
  namespace nn = torch::nn;
  const std::string& t = l.type;
  if (t == "conv1d") {
    seq->push_back(nn::Conv1d(nn::Conv1dOptions(intOf(l, "in"), intOf(l, "out"), intOf(l, "kernel"))
                                  .stride(intOf(l, "stride"))
                                  .padding(torch::ExpandingArray<1>(intOf(l, "padding")))
                                  .dilation(intOf(l, "dilation"))
                                  .groups(intOf(l, "groups"))
                                  .bias(intOf(l, "bias") != 0)));
  } else if (t == "batchnorm1d") {
    seq->push_back(nn::BatchNorm1d(
        nn::BatchNorm1dOptions(intOf(l, "features")).eps(realOf(l, "eps")).momentum(realOf(l, "momentum"))));
  } else if (t == "layernorm") {
    seq->push_back(nn::LayerNorm(nn::LayerNormOptions(l.shape).eps(realOf(l, "eps")).elementwise_affine(true)));
  } else if (t == "activation") {
    addActivation(seq, l);
  } else if (t == "dropout") {
    seq->push_back(nn::Dropout(nn::DropoutOptions(realOf(l, "p"))));
  } else if (t == "maxpool1d") {
    seq->push_back(nn::MaxPool1d(
        nn::MaxPool1dOptions(intOf(l, "kernel")).stride(intOf(l, "stride")).padding(intOf(l, "padding"))));
  } else if (t == "avgpool1d") {
    seq->push_back(nn::AvgPool1d(nn::AvgPool1dOptions(intOf(l, "kernel"))
                                     .stride(intOf(l, "stride"))
                                     .padding(intOf(l, "padding"))
                                     .count_include_pad(intOf(l, "countIncludePad") != 0)));
  } else if (t == "adaptive_avgpool1d") {
    seq->push_back(nn::AdaptiveAvgPool1d(nn::AdaptiveAvgPool1dOptions(intOf(l, "size"))));
  } else if (t == "adaptive_maxpool1d") {
    seq->push_back(nn::AdaptiveMaxPool1d(nn::AdaptiveMaxPool1dOptions(intOf(l, "size"))));
  } else if (t == "flatten") {
    seq->push_back(nn::Flatten(nn::FlattenOptions().start_dim(1)));
  } else if (t == "linear") {
    seq->push_back(nn::Linear(nn::LinearOptions(intOf(l, "in"), intOf(l, "out")).bias(intOf(l, "bias") != 0)));
  } else if (t == "residual") {
    seq->push_back(Residual(l.body, l.projection));
  } else {
    throw std::invalid_argument("unknown layer type '" + t + "'");
  }
}

Sequential buildSequence(const std::vector<Layer>& layers) {
  Sequential seq;
  for (const auto& l : layers) addLayer(seq, l);
  return seq;
}

Tensor runSequence(Sequential& seq, const Tensor& x) { return seq->is_empty() ? x : seq->forward(x); }

/** The whole network: a shared trunk followed by named heads, each a layer sequence on the trunk's output. */
struct NetImpl : torch::nn::Module {
  Sequential trunk{nullptr};
  std::vector<std::pair<std::string, Sequential>> heads;

  explicit NetImpl(const NetSpec& spec) {
    trunk = register_module("trunk", buildSequence(spec.trunk));
    auto holder = register_module("heads", std::make_shared<torch::nn::Module>("Heads"));
    for (const auto& h : spec.heads) heads.emplace_back(h.name, holder->register_module(h.name, buildSequence(h.layers)));
  }

  std::map<std::string, Tensor> forward(const Tensor& x) {
    Tensor z = runSequence(trunk, x);
    std::map<std::string, Tensor> out;
    for (auto& h : heads) out.emplace(h.first, runSequence(h.second, z));
    return out;
  }
};
TORCH_MODULE(Net);

int64_t perSample(const View& v) { return v.shape.empty() ? 0 : v.numel() / v.shape[0]; }

/** A zero-copy tensor over rows [start, start + count) of a borrowed array. */
Tensor rowsOf(const View& v, int64_t start, int64_t count) {
  std::vector<int64_t> shape = v.shape;
  shape[0] = count;
  return torch::from_blob(const_cast<float*>(v.data) + start * perSample(v), shape, torch::kFloat32);
}

const Tensor& lookup(const std::map<std::string, Tensor>& m, const std::string& key, const char* what) {
  auto it = m.find(key);
  if (it == m.end()) throw std::invalid_argument(std::string("no ") + what + " named '" + key + "'");
  return it->second;
}

void checkSameShape(const Tensor& pred, const Tensor& target, const LossTerm& t) {
  if (pred.sizes() != target.sizes()) {
    std::ostringstream s;
    s << "loss on head '" << t.head << "': target '" << t.target << "' has shape " << target.sizes()
      << " but the head gives " << pred.sizes();
    throw std::invalid_argument(s.str());
  }
}

Tensor lossTerm(const LossTerm& t, const std::map<std::string, Tensor>& out,
                const std::map<std::string, Tensor>& targets) {
  const Tensor& pred = lookup(out, t.head, "head");
  const Tensor& y = lookup(targets, t.target, "target");
  checkSameShape(pred, y, t);
  if (t.kind == "mse") return torch::mse_loss(pred, y);
  if (t.kind == "huber") return torch::huber_loss(pred, y, at::Reduction::Mean, t.delta);
  if (t.kind == "bce_logits") {
    Tensor pw = t.posWeight > 0 ? torch::full({1}, t.posWeight, pred.options()) : Tensor();
    return torch::binary_cross_entropy_with_logits(pred, y, {}, pw, at::Reduction::Mean);
  }
  if (t.kind == "gaussian_nll") {
    // Gaussian negative log-likelihood without the constant: 0.5 (log s^2 + (y - mu)^2 / s^2), averaged over
    // elements (as torch.nn.GaussianNLLLoss). As there, the variance is clamped at 1e-6 in value only: the gradient
    // passes through unchanged, so a head stuck far below the clamp is still pulled back up.
    const Tensor& logvar = lookup(out, t.head2, "head");
    checkSameShape(logvar, y, t);
    Tensor lv = logvar + (logvar.clamp_min(std::log(1e-6)) - logvar).detach();
    return (0.5 * (lv + (y - pred).pow(2) * torch::exp(-lv))).mean();
  }
  throw std::invalid_argument("unknown loss '" + t.kind + "'");
}

/** Total weighted loss (a tensor, for backward) and each term's value. */
std::pair<Tensor, std::vector<double>> totalLoss(const std::vector<LossTerm>& terms,
                                                 const std::map<std::string, Tensor>& out,
                                                 const std::map<std::string, Tensor>& targets) {
  if (terms.empty()) throw std::invalid_argument("the loss has no terms");
  Tensor total;
  std::vector<double> values;
  for (const auto& t : terms) {
    Tensor v = lossTerm(t, out, targets);
    values.push_back(v.item<double>());
    total = total.defined() ? total + t.weight * v : t.weight * v;
  }
  return {total, values};
}

void appendRows(std::vector<float>& dst, const Tensor& t) {
  Tensor c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  const float* p = c.data_ptr<float>();
  dst.insert(dst.end(), p, p + c.numel());
}

/** The libtorch network; its methods must run on the compute thread. */
class TorchNetwork final : public Network {
 public:
  TorchNetwork(const NetSpec& spec, uint64_t seed, int threads, const std::string& device)
      : threads_(threads), device_(device == "cuda" ? torch::kCUDA : torch::kCPU) {
    if (device_.is_cuda() && !torch::cuda::is_available()) {
      throw std::invalid_argument("device 'cuda' requested but this libtorch has no usable CUDA device");
    }
    applyThreads();
    rngState_ = at::detail::createCPUGenerator(seed).get_state();
    if (device_.is_cuda()) torch::cuda::manual_seed_all(seed);
    RngScope rng(rngState_);
    net_ = Net(spec);
    net_->to(device_);
  }

  void setThreads(int threads) override { threads_ = threads; }

  void configureOptimizer(const OptimConfig& c) override {
    std::vector<Tensor> decay, noDecay;
    for (auto& p : net_->parameters()) (c.decayAll || p.dim() > 1 ? decay : noDecay).push_back(p);
    auto opts = torch::optim::AdamWOptions(c.lr).betas({c.beta1, c.beta2}).eps(c.eps).weight_decay(c.weightDecay);
    if (decay.empty() && noDecay.empty()) throw std::invalid_argument("the network has no trainable parameters");
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!decay.empty()) groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(opts));
    if (!noDecay.empty()) {
      auto nd = opts;
      nd.weight_decay(0.0);
      groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(nd));
    }
    optimizer_ = std::make_unique<torch::optim::AdamW>(std::move(groups), opts);
    clip_ = c.clipGradNorm;
  }

  LossResult trainBatch(const View& x, const std::map<std::string, View>& targets,
                        const std::vector<LossTerm>& loss, double lr) override {
    if (!optimizer_) throw std::invalid_argument("training is not configured (call configureTraining first)");
    applyThreads();
    RngScope rng(rngState_);
    net_->train(true);
    const int64_t n = x.shape[0];
    auto out = net_->forward(input(x, 0, n));
    auto tgt = targetRows(targets, 0, n);
    auto [total, values] = totalLoss(loss, out, tgt);
    const double value = total.item<double>();
    if (!std::isfinite(value)) throw NonFiniteLoss("the training loss is not finite (" + std::to_string(value) + ")");
    optimizer_->zero_grad();
    total.backward();
    if (clip_ > 0) torch::nn::utils::clip_grad_norm_(net_->parameters(), clip_);
    for (auto& g : optimizer_->param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
    optimizer_->step();
    return {value, values};
  }

  LossResult evaluate(const View& x, const std::map<std::string, View>& targets, const std::vector<LossTerm>& loss,
                      int64_t batchSize) override {
    applyThreads();
    RngScope rng(rngState_);
    c10::InferenceMode guard;
    net_->eval();
    const int64_t n = x.shape[0];
    LossResult r;
    r.terms.assign(loss.size(), 0.0);
    for (int64_t start = 0; start < n; start += batchSize) {
      const int64_t count = std::min(batchSize, n - start);
      auto out = net_->forward(input(x, start, count));
      auto [total, values] = totalLoss(loss, out, targetRows(targets, start, count));
      r.loss += total.item<double>() * count;
      for (size_t k = 0; k < values.size(); ++k) r.terms[k] += values[k] * count;
    }
    r.loss /= n;
    for (auto& v : r.terms) v /= n;
    return r;
  }

  Outputs predict(const View& x, int64_t batchSize) override {
    applyThreads();
    RngScope rng(rngState_);
    c10::InferenceMode guard;
    net_->eval();
    Outputs result;
    const int64_t n = x.shape[0];
    for (int64_t start = 0; start < n; start += batchSize) {
      const int64_t count = std::min(batchSize, n - start);
      for (auto& [name, t] : net_->forward(input(x, start, count))) appendRows(result[name], t);
    }
    return result;
  }

  McOutputs predictMcDropout(const View& x, int64_t passes, int64_t batchSize) override {
    applyThreads();
    RngScope rng(rngState_);
    c10::InferenceMode guard;
    net_->eval();
    for (auto& m : net_->modules(false)) {
      if (dynamic_cast<torch::nn::DropoutImpl*>(m.get())) m->train(true);
    }
    McOutputs result;
    const int64_t n = x.shape[0];
    for (int64_t start = 0; start < n; start += batchSize) {
      const int64_t count = std::min(batchSize, n - start);
      Tensor in = input(x, start, count);
      std::map<std::string, Tensor> sum, sumSq;
      for (int64_t p = 0; p < passes; ++p) {
        for (auto& [name, t] : net_->forward(in)) {
          Tensor d = t.to(torch::kFloat64);
          if (p == 0) {
            sum[name] = d.clone();
            sumSq[name] = d * d;
          } else {
            sum[name].add_(d);
            sumSq[name].add_(d * d);
          }
        }
      }
      for (auto& [name, s] : sum) {
        Tensor mean = s / static_cast<double>(passes);
        Tensor var = (sumSq[name] / static_cast<double>(passes) - mean * mean).clamp_min(0.0);
        appendRows(result.mean[name], mean);
        appendRows(result.std[name], var.sqrt());
      }
    }
    net_->eval();
    return result;
  }

  std::vector<NamedArray> getState() override {
    std::vector<NamedArray> state;
    auto add = [&state](const std::string& name, const Tensor& t) {
      NamedArray a;
      a.name = name;
      a.shape = t.sizes().vec();
      appendRows(a.data, t.detach());
      state.push_back(std::move(a));
    };
    for (auto& p : net_->named_parameters(true)) add(p.key(), p.value());
    for (auto& b : net_->named_buffers(true)) add(b.key(), b.value());
    return state;
  }

  void setState(const std::vector<NamedArray>& state) override {
    std::map<std::string, Tensor> own;
    for (auto& p : net_->named_parameters(true)) own.emplace(p.key(), p.value());
    for (auto& b : net_->named_buffers(true)) own.emplace(b.key(), b.value());
    if (state.size() != own.size()) {
      throw std::invalid_argument("state has " + std::to_string(state.size()) + " tensors, the network " +
                                  std::to_string(own.size()));
    }
    // Check everything before changing anything, so a bad state leaves the network as it was.
    for (const auto& a : state) {
      auto it = own.find(a.name);
      if (it == own.end()) throw std::invalid_argument("state tensor '" + a.name + "' is not in this network");
      if (it->second.sizes().vec() != a.shape || static_cast<int64_t>(a.data.size()) != it->second.numel()) {
        throw std::invalid_argument("state tensor '" + a.name + "' has the wrong shape");
      }
    }
    torch::NoGradGuard noGrad;
    for (const auto& a : state) {
      Tensor& dst = own[a.name];
      Tensor src = torch::from_blob(const_cast<float*>(a.data.data()), a.shape, torch::kFloat32);
      dst.copy_(src.to(dst.device(), dst.scalar_type()));
    }
  }

  int64_t parameterCount() override {
    int64_t n = 0;
    for (auto& p : net_->parameters()) n += p.numel();
    return n;
  }

 private:
  // OpenMP thread counts are per calling thread, and libuv runs each call on one of its pool threads: set the
  // count on the thread doing the work (only when it differs: changing it rebuilds libtorch's thread pool).
  void applyThreads() {
    if (at::get_num_threads() != threads_) at::set_num_threads(threads_);
  }

  Tensor input(const View& x, int64_t start, int64_t count) {
    Tensor t = rowsOf(x, start, count);
    return device_.is_cpu() ? t : t.to(device_);
  }

  std::map<std::string, Tensor> targetRows(const std::map<std::string, View>& targets, int64_t start,
                                           int64_t count) {
    std::map<std::string, Tensor> out;
    for (const auto& [name, v] : targets) {
      Tensor t = rowsOf(v, start, count);
      out.emplace(name, device_.is_cpu() ? t : t.to(device_));
    }
    return out;
  }

  std::atomic<int> threads_;
  torch::Device device_;
  Tensor rngState_;
  Net net_{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  double clip_ = 0;
};

/** The public network: every call runs on the compute thread. */
class ThreadedNetwork final : public Network {
 public:
  explicit ThreadedNetwork(std::unique_ptr<TorchNetwork> impl) : impl_(std::move(impl)) {}
  ~ThreadedNetwork() override {
    onComputeThread([this] { impl_.reset(); });
  }

  void setThreads(int threads) override { impl_->setThreads(threads); }
  void configureOptimizer(const OptimConfig& c) override {
    onComputeThread([&] { impl_->configureOptimizer(c); });
  }
  LossResult trainBatch(const View& x, const std::map<std::string, View>& targets, const std::vector<LossTerm>& loss,
                        double lr) override {
    return onComputeThread([&] { return impl_->trainBatch(x, targets, loss, lr); });
  }
  LossResult evaluate(const View& x, const std::map<std::string, View>& targets, const std::vector<LossTerm>& loss,
                      int64_t batchSize) override {
    return onComputeThread([&] { return impl_->evaluate(x, targets, loss, batchSize); });
  }
  Outputs predict(const View& x, int64_t batchSize) override {
    return onComputeThread([&] { return impl_->predict(x, batchSize); });
  }
  McOutputs predictMcDropout(const View& x, int64_t passes, int64_t batchSize) override {
    return onComputeThread([&] { return impl_->predictMcDropout(x, passes, batchSize); });
  }
  std::vector<NamedArray> getState() override {
    return onComputeThread([&] { return impl_->getState(); });
  }
  void setState(const std::vector<NamedArray>& state) override {
    onComputeThread([&] { impl_->setState(state); });
  }
  int64_t parameterCount() override { return impl_->parameterCount(); }

 private:
  std::unique_ptr<TorchNetwork> impl_;
};

}  // namespace

std::unique_ptr<Network> Network::create(const NetSpec& spec, uint64_t seed, int threads, const std::string& device) {
  auto impl = onComputeThread([&] { return std::make_unique<TorchNetwork>(spec, seed, threads, device); });
  return std::make_unique<ThreadedNetwork>(std::move(impl));
}

std::string errorMessage(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

void initialiseRuntime() {
  // If libtorch's BLAS is OpenBLAS, keep it single-threaded: its own pool would fight OpenMP for the cores.
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(1);
  try {
    at::set_num_interop_threads(1);
  } catch (const std::exception&) {
    // Already fixed by an earlier use of the inter-op pool: nothing to do.
  }
}

std::map<std::string, std::string> runtimeInfo() {
  return {
      {"torchVersion", TORCH_VERSION},
      {"threads", std::to_string(at::get_num_threads())},
      {"mkldnn", at::hasMKLDNN() ? "yes" : "no"},
      {"openmp", at::hasOpenMP() ? "yes" : "no"},
      {"cuda", torch::cuda::is_available() ? "yes" : "no"},
      {"parallelInfo", at::get_parallel_info()},
  };
}

}  // namespace lm
