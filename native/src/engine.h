// The libtorch side of the livermrs engine, behind a plain C++ interface: this header includes no torch headers,
// so the N-API glue (addon.cc) compiles quickly and only engine.cc pays for libtorch's headers.
//
// Every layer arrives fully resolved from TypeScript (src/nn/shapes.ts): channel counts, lengths and paddings are
// explicit, and shapes have been checked there. This side only builds, trains and runs what it is given.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lm {

/** One resolved layer. `type` selects the module; `ints`/`reals`/`text` hold its options by name. */
struct Layer {
  std::string type;
  std::map<std::string, int64_t> ints;
  std::map<std::string, double> reals;
  std::map<std::string, std::string> text;
  std::vector<int64_t> shape;         // layernorm: the normalised shape (all non-batch dimensions)
  std::vector<Layer> body;            // residual: the main branch
  std::vector<Layer> projection;      // residual: the skip branch (empty = identity)
};

struct Head {
  std::string name;
  std::vector<Layer> layers;
};

struct NetSpec {
  std::vector<Layer> trunk;
  std::vector<Head> heads;
};

/** A borrowed float32 array with its shape (row-major, contiguous). */
struct View {
  const float* data = nullptr;
  std::vector<int64_t> shape;
  int64_t numel() const;
};

/** One term of the training loss, computed on one head (two for Gaussian NLL) against one target. */
struct LossTerm {
  std::string kind;    // mse | huber | bce_logits | gaussian_nll
  std::string head;    // prediction head (the mean head for gaussian_nll)
  std::string head2;   // gaussian_nll: the log-variance head
  std::string target;  // key of the target array
  double weight = 1.0;
  double delta = 1.0;      // huber
  double posWeight = 0.0;  // bce_logits: weight of positive examples (0 = unweighted)
};

struct OptimConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weightDecay = 1e-2;
  bool decayAll = false;   // false: no weight decay on biases and normalisation parameters (tensors of rank <= 1)
  double clipGradNorm = 0; // 0 = no clipping
};

struct LossResult {
  double loss = 0;
  std::vector<double> terms;
};

struct NamedArray {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/** Outputs per head, flattened [batch, ...headShape]. */
using Outputs = std::map<std::string, std::vector<float>>;

struct McOutputs {
  Outputs mean;
  Outputs std;
};

/** A loss that is NaN or infinite; the addon reports it as a numerical error. */
struct NonFiniteLoss : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Network {
 public:
  static std::unique_ptr<Network> create(const NetSpec& spec, uint64_t seed, int threads, const std::string& device);
  virtual ~Network() = default;

  virtual void setThreads(int threads) = 0;
  virtual void configureOptimizer(const OptimConfig& config) = 0;
  /** One optimiser step on one batch; `lr` is this step's learning rate (the schedule lives in TypeScript). */
  virtual LossResult trainBatch(const View& x, const std::map<std::string, View>& targets,
                                const std::vector<LossTerm>& loss, double lr) = 0;
  /** Loss in eval mode over all of `x`, in chunks of `batchSize`; the mean over samples. */
  virtual LossResult evaluate(const View& x, const std::map<std::string, View>& targets,
                              const std::vector<LossTerm>& loss, int64_t batchSize) = 0;
  virtual Outputs predict(const View& x, int64_t batchSize) = 0;
  /** `passes` forward passes with dropout active and batch norm in eval mode: per-head mean and SD. */
  virtual McOutputs predictMcDropout(const View& x, int64_t passes, int64_t batchSize) = 0;
  virtual std::vector<NamedArray> getState() = 0;
  virtual void setState(const std::vector<NamedArray>& state) = 0;
  virtual int64_t parameterCount() = 0;
};

/** The message of an exception without libtorch's C++ backtrace. */
std::string errorMessage(const std::exception& e);

/** libtorch facts for diagnostics: version, threads, oneDNN, CUDA. */
std::map<std::string, std::string> runtimeInfo();

/** Process-wide set-up done once when the addon loads (inter-op threads, BLAS threads). */
void initialiseRuntime();

}  // namespace lm
