# Workload B of ../../shared/peers/torch_mlp.py (PEERS below), timed by process CPU time instead of wall
# time: with one thread that is the time the step itself took, whatever else the machine runs.
import sys, time
PEERS = sys.argv[1] if len(sys.argv) > 1 else "../shared/peers"
sys.path.insert(0, PEERS)
import torch_mlp
torch_mlp.time.perf_counter = time.process_time
sys.argv = ["torch_mlp.py", "--threads", "1", "--reps", "3", "--steps", "300", "--dtype", "float64"]
torch_mlp.main()
