"""Retraining settings (imported by base.py): fine-tuning, the promotion gate, progress and schedule."""
from .env import env_bool, env_float, env_str

# Runs are queued on Redis for a Celery worker; without REDIS_URL they train in a thread of the process
# that asked (the `retrain` command trains in the foreground).
# A fine-tuning run (from the active weights) trains RETRAIN_EPOCHS epochs; in one epoch every training drawing is
# seen RETRAIN_VARIANTS times, each time a fresh augmentation, in batches of which RETRAIN_REPLAY_SHARE are replayed
# MNIST train digits (and of those, RETRAIN_PEN_SHARE the pen-drawn WEIGHTS_DIR/pen_inputs.npz when it is there),
# so what the network knows stays in every step. An epoch is RETRAIN_MIN_STEPS to RETRAIN_MAX_STEPS batches (the
# cap keeps a run on 10,000 drawings within minutes). RETRAIN_L2SP pulls the weights toward the active ones
# (L2-SP; 0 = off); RETRAIN_DISTILL mixes the active network's answers into the replayed digits' targets
# (distillation; 0 = off; 1, the default: the replayed digits' targets are the active network's answers).
# RETRAIN_INTERPOLATE: the candidate is the active weights moved this share of the way to the fine-tuned ones
# (weight-space ensembling, WiSE-FT; 1 = the fine-tuned weights). The replayed digits are shown as they are
# (RETRAIN_AUGMENT_REPLAY false): augmenting them too is what cost MNIST test a tenth of a point.
# RETRAIN_LAYERS and RETRAIN_OPTIMISER were tried and are left at all layers and Adam. Tuned on pendigits writers
# 17-20, and RETRAIN_DISTILL on writers 11-20 from a model trained on writers 1-10 (README, Retraining).
RETRAIN_EPOCHS = int(env_float("RETRAIN_EPOCHS", 2))
RETRAIN_BATCH_SIZE = int(env_float("RETRAIN_BATCH_SIZE", 128))
RETRAIN_LR = env_float("RETRAIN_LR", 5e-4)                      # fine-tuning the active weights
RETRAIN_VARIANTS = int(env_float("RETRAIN_VARIANTS", 50))
RETRAIN_REPLAY_SHARE = env_float("RETRAIN_REPLAY_SHARE", 0.75)
RETRAIN_PEN_SHARE = env_float("RETRAIN_PEN_SHARE", 0.0)
RETRAIN_L2SP = env_float("RETRAIN_L2SP", 0.0)
RETRAIN_DISTILL = env_float("RETRAIN_DISTILL", 1.0)
RETRAIN_INTERPOLATE = env_float("RETRAIN_INTERPOLATE", 1.0)
RETRAIN_LAYERS = env_str("RETRAIN_LAYERS", "all")              # "dense": fine-tune only the dense layers
RETRAIN_OPTIMISER = env_str("RETRAIN_OPTIMISER", "adam")        # or "sgd" (momentum 0.9) at RETRAIN_LR
RETRAIN_AUGMENT_REPLAY = env_bool("RETRAIN_AUGMENT_REPLAY", False)  # true: replayed digits augmented too
# Drawings the active network misreads are seen RETRAIN_HARD_WEIGHT times as often as those it reads right (1 = all
# alike): they are what a run has to learn.
RETRAIN_HARD_WEIGHT = int(env_float("RETRAIN_HARD_WEIGHT", 1))
# RETRAIN_EWC: elastic weight consolidation, a pull toward the active weights in proportion to each one's Fisher
# information on MNIST train (0 = off).
RETRAIN_EWC = env_float("RETRAIN_EWC", 0.0)
# RETRAIN_SWA: the candidate is the mean of the weights over this share of the run's last steps (stochastic weight
# averaging; 0 = off, the weights of the last step).
RETRAIN_SWA = env_float("RETRAIN_SWA", 0.0)
# RETRAIN_DISTILL_TEMPERATURE: both networks' answers softened by this temperature in the distillation of the
# replayed digits (1 = the active network's answers as they are).
RETRAIN_DISTILL_TEMPERATURE = env_float("RETRAIN_DISTILL_TEMPERATURE", 1.0)
# RETRAIN_NEIGHBOUR_SHARE: this share of the replayed MNIST digits is drawn from the RETRAIN_NEIGHBOURS digits of
# other classes nearest to each labelled drawing in the active network's last hidden layer (0 = off;
# training/neighbours.py).
RETRAIN_NEIGHBOURS = int(env_float("RETRAIN_NEIGHBOURS", 16))
RETRAIN_NEIGHBOUR_SHARE = env_float("RETRAIN_NEIGHBOUR_SHARE", 0.0)
# RETRAIN_RECALL_WEIGHT: the candidate remembers the latest RETRAIN_RECALL_MAX labelled training drawings in what its
# first dense layer sees (RETRAIN_RECALL_LAYER "first-dense", or "last-dense"); an input within cosine similarity
# RETRAIN_RECALL_THRESHOLD of a remembered drawing gains up to this much on that drawing's logit (0 = off;
# training/recall.py, recognizer/nn/recall.py).
RETRAIN_RECALL_WEIGHT = env_float("RETRAIN_RECALL_WEIGHT", 0.0)
RETRAIN_RECALL_THRESHOLD = env_float("RETRAIN_RECALL_THRESHOLD", 0.8)
RETRAIN_RECALL_LAYER = env_str("RETRAIN_RECALL_LAYER", "first-dense")
RETRAIN_RECALL_MAX = int(env_float("RETRAIN_RECALL_MAX", 500))
RETRAIN_MIN_STEPS = int(env_float("RETRAIN_MIN_STEPS", 100))
RETRAIN_MAX_STEPS = int(env_float("RETRAIN_MAX_STEPS", 2000))
# The operator reader (when labelled drawings hold operators) is fine-tuned in the same run with the same settings,
# but at most RETRAIN_OPERATOR_MAX_STEPS batches an epoch: it is a smaller problem, and it keeps a run short.
RETRAIN_OPERATOR_MAX_STEPS = int(env_float("RETRAIN_OPERATOR_MAX_STEPS", 400))
# --from-scratch: RETRAIN_EPOCHS passes over MNIST train, RETRAIN_SCRATCH_DRAWING_SHARE of every batch drawings.
RETRAIN_SCRATCH_LR = env_float("RETRAIN_SCRATCH_LR", 1e-3)
RETRAIN_SCRATCH_DRAWING_SHARE = env_float("RETRAIN_SCRATCH_DRAWING_SHARE", 0.1)
RETRAIN_SEED = int(env_float("RETRAIN_SEED", 0))
RETRAIN_VISITOR_LABELS = env_bool("RETRAIN_VISITOR_LABELS", False)
# Drawings whose submission id is a multiple of this are the holdout: never trained on, only measured.
RETRAIN_HOLDOUT_EVERY = int(env_float("RETRAIN_HOLDOUT_EVERY", 5))
# Promotion gate: MNIST test accuracy may drop by at most RETRAIN_MAX_MNIST_DROP (0.001 = 0.1 point). On the
# holdout, active and candidate are compared digit by digit (McNemar's exact test on the digits where they
# disagree): the holdout vetoes only when the candidate is wrong on more of them and p < RETRAIN_HOLDOUT_ALPHA.
RETRAIN_MAX_MNIST_DROP = env_float("RETRAIN_MAX_MNIST_DROP", 0.001)
RETRAIN_HOLDOUT_ALPHA = env_float("RETRAIN_HOLDOUT_ALPHA", 0.05)
# A run writes its progress at most every RETRAIN_PROGRESS_SECONDS. A thread of the running process writes its
# heartbeat every RETRAIN_STALE_SECONDS / 4, whatever step it is in; a run whose heartbeat is older than
# RETRAIN_STALE_SECONDS is taken for dead (its worker was killed) and marked failed by the next request. Its
# training lock expires after RETRAIN_STALE_SECONDS too: each heartbeat extends it.
RETRAIN_PROGRESS_SECONDS = env_float("RETRAIN_PROGRESS_SECONDS", 2.0)
RETRAIN_STALE_SECONDS = env_float("RETRAIN_STALE_SECONDS", 60)
# The nightly retrain that `manage.py setup_schedules` creates (crontab, UTC; edit it in the admin later).
RETRAIN_SCHEDULE_ARCH = env_str("RETRAIN_SCHEDULE_ARCH", "cnn")
RETRAIN_SCHEDULE_CRONTAB = env_str("RETRAIN_SCHEDULE_CRONTAB", "30 3 * * *")
