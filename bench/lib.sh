# Shared by the benchmark scripts (sourced, not run).
#
# plan_cores: which cores the servers and the load tools get. With two or
# more usable cores the first half goes to the load tools (wrk, the
# long-poll client) and the rest to the server under test and its reference
# (nginx), measured in turns, never at once, so each side has the same cores;
# the server gets as many I/O threads as nginx gets workers: one per server
# core. With one core nothing is pinned and the plan says so. Sets:
#   server_cpus client_cpus  core lists for taskset ("1", "0", or "" unpinned)
#   server_threads           the server's --io-threads and nginx's worker_processes
#   client_threads           wrk's -t and the long-poll client's --threads
#   pin_server pin_client    command prefixes ("taskset -c 1" or "")
#   pin_note                 one line saying what was done
# machine_state: "N cores, load average A B C" now.

die() { echo "bench: $*" >&2; exit 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
now_ms() { date +%s%3N; }

machine_state() {
  echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

plan_cores() {
  local cpus n half
  read -r -a cpus < <(python3 -c 'import os; print(*sorted(os.sched_getaffinity(0)))')
  n=${#cpus[@]}
  if [ "$n" -ge 2 ] && command -v taskset >/dev/null; then
    half=$(( n / 2 ))
    client_cpus=$(IFS=,; echo "${cpus[*]:0:$half}")
    server_cpus=$(IFS=,; echo "${cpus[*]:$half}")
    client_threads=$half
    server_threads=$(( n - half ))
    pin_client="taskset -c $client_cpus"
    pin_server="taskset -c $server_cpus"
    pin_note="load tools on core(s) $client_cpus, server and nginx in turns on core(s) $server_cpus ($server_threads I/O thread(s) = $server_threads nginx worker(s))"
  else
    client_cpus="" server_cpus="" pin_client="" pin_server=""
    client_threads=1 server_threads=1
    if [ "$n" -lt 2 ]; then
      pin_note="NOT pinned: only $n usable core, so the load tools, the server and nginx share it (1 I/O thread = 1 nginx worker)"
    else
      pin_note="NOT pinned: taskset is missing (util-linux), so the load tools, the server and nginx share $n cores (1 I/O thread = 1 nginx worker)"
    fi
  fi
}

# CPU time (user + system, clock ticks) of a process and its threads, or of
# nginx's master and workers: cpu_ticks PID...
cpu_ticks() {
  local total=0 p t
  for p in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$(( total + t ))
  done
  echo "$total"
}

# noise_png FILE SIDE: a PNG of RGBA noise, about SIDE*SIDE*4 bytes.
noise_png() {
  python3 - "$1" "$2" <<'PY'
import os, struct, sys, zlib
w = h = int(sys.argv[2])
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
raw = zlib.compressobj(1)
parts = [raw.compress(b"\0" + os.urandom(w * 4)) for _ in range(h)] + [raw.flush()]
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)))
    f.write(chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))
PY
}
