"""`ko-classify classify --shard i/n` as the tasks of a real distributed engine: Dask.

A LocalCluster of several worker processes (each under a nanny, as on a real cluster) runs one task
per shard; each task runs the CLI on the whole file and keeps its rows (`--shard i/n`), writing
`part-i.jsonl` with `--resume`. One task is killed on its first attempt the way a machine dies: the
CLI and the Dask worker process both get SIGKILL mid-write, the nanny restarts the worker and the
scheduler reruns the task, which continues the part after its last complete line.

usage: python3 dask_shards.py OUT_DIR N WORKERS KILL_SHARD -- CLI ARGS...
Prints one JSON object: per shard its attempts, and what the killed attempt had written.
"""
import json
import os
import signal
import subprocess
import sys
import time

from dask.distributed import Client, LocalCluster


def run_shard(i, n, cli, out_dir, kill_shard):
    # Attempts are counted in a file: a rerun after a killed worker is a new process.
    marker = os.path.join(out_dir, f"attempts-{i}")
    with open(marker, "a") as f:
        f.write("x")
    with open(marker) as f:
        attempt = len(f.read())
    part = os.path.join(out_dir, f"part-{i}.jsonl")
    args = cli + ["--shard", f"{i}/{n}", "-o", part, "--resume", "-q"]
    if i == kill_shard and attempt == 1:
        p = subprocess.Popen(args)
        # Die once some rows are out, before the shard is done.
        while p.poll() is None and (not os.path.exists(part) or os.path.getsize(part) == 0):
            time.sleep(0.002)
        finished_before_kill = p.poll() is not None
        p.kill()
        p.wait()
        with open(part, "rb") as f:
            data = f.read()
        with open(os.path.join(out_dir, f"killed-{i}.json"), "w") as f:
            json.dump({"bytes": len(data), "complete_lines": data.count(b"\n"), "torn": not data.endswith(b"\n"), "finished_before_kill": finished_before_kill}, f)
        os.kill(os.getpid(), signal.SIGKILL)
    subprocess.run(args, check=True)
    return {"shard": i, "attempt": attempt, "pid": os.getpid()}


def main():
    out_dir, n, workers, kill_shard = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    cli = sys.argv[sys.argv.index("--") + 1 :]
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        futures = client.map(run_shard, range(n), n=n, cli=cli, out_dir=out_dir, kill_shard=kill_shard, pure=False)
        results = client.gather(futures)
    killed_path = os.path.join(out_dir, f"killed-{kill_shard}.json")
    killed = json.load(open(killed_path)) if os.path.exists(killed_path) else None
    print(json.dumps({"shards": results, "killed": killed}))


if __name__ == "__main__":
    main()
