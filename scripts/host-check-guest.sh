#!/bin/sh
# Runs as PID 1 of the outer guest of scripts/host-check.sh, on the host's
# root file system (read-only, under a tmpfs overlay). Mounts what a booted
# system has, lays cgroups out as the shape says, then checks vcbench as a
# user on that shape would run it: doctor, the integration tests, a short
# run of every environment. Everything it finds goes to /vcb-out (a host
# directory): log, summary.txt, status ("ok" or the failed steps), the run.
# It always ends by powering the guest off.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
out=/vcb-out
shape="" cg=v2 top="" steps="" step_limit=900 kvm=1

mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
for a in $(cat /proc/cmdline); do
    case $a in
    vcb.shape=*) shape=${a#vcb.shape=} ;; vcb.cgroup=*) cg=${a#vcb.cgroup=} ;; vcb.top=*) top=${a#vcb.top=} ;;
    vcb.steps=*) steps=${a#vcb.steps=} ;; vcb.step_limit=*) step_limit=${a#vcb.step_limit=} ;;
    vcb.kvm=*) kvm=${a#vcb.kvm=} ;;
    esac
done
# The checkout at its own path again (/tmp and /var/tmp are this guest's).
if ! [ -x "$top/build/vcbench" ]; then
    mkdir -p "$top" && mount --bind /vcb-top "$top"
fi
hostname "vcb-$shape"
ip link set lo up 2>/dev/null

# cgroups as the shape's hosts have them.
if [ "$cg" = v2 ]; then
    # Pure v2: cgroup2 alone, as systemd's unified layout leaves it.
    mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
else
    # v1 hybrid, as this host: v1 controllers, cgroup2 at unified/.
    mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
    for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
        mkdir -p "/sys/fs/cgroup/$c"
        mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c"
    done
    mkdir -p /sys/fs/cgroup/unified
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
fi

uptime_s() { cut -d' ' -f1 /proc/uptime; }
log() { echo "[$(uptime_s)] $*" | tee -a "$out/log" > /dev/console; }
failed=""
# want NAME: is step NAME selected (vcb.steps=a,b on the kernel command
# line; all when absent)?
want() {
    [ -z "$steps" ] && return 0
    case ",$steps," in *",$1,"*) return 0 ;; esac
    return 1
}
# step NAME CMD...: run, keep its output in $out/NAME.txt, note the time. A
# step that outlives $step_limit seconds is stopped (SIGINT, then SIGKILL)
# after what every process was waiting on is kept in $out/NAME.hang.
step() {
    name=$1
    shift
    want "$name" || return 0
    t0=$(uptime_s)
    "$@" > "$out/$name.txt" 2>&1 &
    spid=$!
    # Seconds of uptime, not loop turns: a loaded guest's `sleep 1` takes
    # longer than a second, and the host's limit would kill the guest
    # before the step's own limit wrote its .hang file.
    while kill -0 $spid 2>/dev/null &&
        [ "$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { print int(b - a) }')" -lt "$step_limit" ]; do
        sleep 1
    done
    if kill -0 $spid 2>/dev/null; then
        {
            echo "step $name still running after $step_limit s; every process:"
            ps -eo pid,ppid,stat,wchan:32,etime,args
            for p in $(pgrep -f "$top/build/"); do
                echo "--- $p: $(tr '\0' ' ' < /proc/$p/cmdline)"
                for t in /proc/$p/task/*; do
                    echo "  task ${t##*/} $(cat $t/comm 2>/dev/null): $(cat $t/wchan 2>/dev/null)"
                    sed 's/^/    /' $t/stack 2>/dev/null | head -12
                done
            done
        } > "$out/$name.hang" 2>&1
        pkill -INT -P $spid 2>/dev/null
        kill -INT $spid 2>/dev/null
        sleep 10
        pkill -KILL -P $spid 2>/dev/null
        kill -KILL $spid 2>/dev/null
    fi
    wait $spid
    rc=$?
    t1=$(uptime_s)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    if [ $rc -eq 0 ]; then
        echo "ok   $name (${secs} s)" >> "$out/summary.txt"
    else
        why=$(grep -E 'FAILED|ERROR|error|no ' "$out/$name.txt" | head -3 | tr '\n' ' ')
        # Nothing that looks like an error: the step's last words.
        [ -n "$why" ] || why=$(tail -3 "$out/$name.txt" | tr '\n' ' ')
        echo "FAIL $name (exit $rc, ${secs} s): $why" >> "$out/summary.txt"
        failed="$failed $name"
    fi
    log "$name: exit $rc in ${secs} s"
    return $rc
}
# check NAME CONDITION-CMD...: a fact about the shape, recorded.
check() {
    name=$1
    shift
    [ -n "$steps" ] && ! want checks && return 0
    if "$@" > /dev/null 2>&1; then
        echo "ok   $name" >> "$out/summary.txt"
    else
        echo "FAIL $name" >> "$out/summary.txt"
        failed="$failed $name"
    fi
}

: > "$out/summary.txt"
echo "outer boot to PID 1 of the check: $(uptime_s) s (kernel, 9p root, overlay)" >> "$out/summary.txt"
log "shape $shape, cgroup $cg, $(nproc) CPUs, $(grep -c . /proc/meminfo >/dev/null && awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"

V=$top/build/vcbench
export VCB_BIN=$V VCB_WL=$top/build/wl VCB_SRC=$top

step doctor "$V" doctor
if [ "$kvm" = 1 ]; then
    check "doctor picks kvm by itself" grep -q '^ok   kvm.*nested under TCG' "$out/doctor.txt"
else
    check "doctor: no KVM in this shape, guests use TCG" grep -q '^no   kvm *guests use TCG' "$out/doctor.txt"
fi
case $cg in
v2) check "doctor sees cgroup v2" grep -q '^ok   cgroups *cgroup v2' "$out/doctor.txt" ;;
*) check "doctor sees cgroup v1" grep -q '^ok   cgroups *cgroup v1' "$out/doctor.txt" ;;
esac

# The environments this shape runs: all, or (v2-ct) no guests.
envs="native container vm oci-runc oci-crun" its="it_native it_container it_oci it_vm"
if [ "$shape" = v2-ct ]; then
    envs="native container oci-runc oci-crun" its="it_native it_container it_oci"
    # The engines on pure cgroup v2 (cgroupfs driver, crun under podman,
    # OOM read from the parent cgroup under ctr): it_engines, lean - what
    # does not depend on the cgroup layout (a skipped engine, Ctrl-C, the
    # disk and footprint paths) is left to the host's own run of it. Each
    # engine starts a daemon of its own in here, seconds under TCG.
    export VCB_IT_LEAN=1
    its="$its it_engines"
fi

# The integration tests, as on a fresh machine (new state dirs each).
for t in $its; do
    step "$t" "$top/build/tests/$t"
done

# A short run of every environment (with KVM where the shape has it).
# Two repetitions a side; one in the numa shape, whose guests run under TCG
# inside TCG (about a minute each).
reps=2
[ "$shape" = numa ] && reps=1
step run "$V" run --envs "$(echo $envs | tr ' ' ,)" --workloads cpu,mem,disk,startup --runs $reps \
    --warmup 0 --set cpu.int-bytes=8M --set cpu.min-ms=0 --set mem.size=8M --set mem.ntimes=2 --set mem.min-ms=0 \
    --set mem.max-ws=1M --set disk.ms=300 --disk-size 32M --out /var/tmp/run
if [ "$kvm" = 1 ]; then
    check "run.json says kvm" grep -q '"accel": "kvm"' /var/tmp/run/run.json
    check "run.json says nested under TCG" grep -q 'nested under TCG' /var/tmp/run/run.json
    check "REPORT says nested under TCG" sh -c "'$V' report /var/tmp/run | grep -q 'nested under TCG'"
fi
# Every environment measured every workload.
for env in $envs; do
    check "ok rows: $env" sh -c "awk -F, -v e=$env '\$5 == e && \$14 == \"ok\"' /var/tmp/run/raw.csv | grep -q ."
done
check "container: memory peak read from the cgroup" sh -c "awk -F, '\$5 == \"container\" && \$10 == \"mem_peak\" && \$14 == \"ok\"' /var/tmp/run/raw.csv | grep -q ."
cp -r /var/tmp/run "$out/run" 2>/dev/null
# What the guest path costs here: the inner guest's start under KVM.
for env in $envs; do
    awk -F, -v e=$env '$5 == e && $6 == "startup" && $10 == "ready_ms" && $14 == "ok" { s = s " " $13 }
        END { if (s != "") printf "%s start-up, launch call to wl ready (ms):%s\n", e, s }' /var/tmp/run/raw.csv \
        >> "$out/summary.txt" 2>/dev/null
done
grep -o '"accel_reason": "[^"]*"' /var/tmp/run/run.json >> "$out/summary.txt" 2>/dev/null

# The guest's vCPU threads under KVM are pinned to the workload CPUs: read
# back from the threads themselves while a guest runs.
[ "$kvm" = 1 ] && step pin sh -c "
    '$V' run --envs vm --workloads hold --set hold.seconds=20 --runs 1 --warmup 0 --out /var/tmp/pin >'$out/pin-run.log' 2>&1 &
    pid=\$!
    i=0
    while [ \$i -lt 120 ] && ! pgrep -f '^[^ ]*qemu-system-x86_64 .*guest=vcbench-' >/dev/null; do sleep 0.5; i=\$((i + 1)); done
    sleep 3
    q=\$(pgrep -f '^[^ ]*qemu-system-x86_64 .*guest=vcbench-' | head -1)
    want=\$(sed -n 's/.*\"cpus_workload\": \"\\([^\"]*\\)\".*/\\1/p' /var/tmp/pin/run.json)
    # KVM's own choices: the host CPU as is, KVM, no TCG-only options
    # (QEMU's and the guest kernel's command lines, read from the process).
    tr '\\0' ' ' < /proc/\$q/cmdline > /tmp/qemu-cmdline
    echo \"qemu: \$(grep -oE 'accel[= ][a-z]*' /tmp/qemu-cmdline | head -1), cpu \$(grep -o -- '-cpu [^ ]*' /tmp/qemu-cmdline)\"
    grep -qE 'accel[= ]kvm' /tmp/qemu-cmdline && grep -q -- '-cpu host' /tmp/qemu-cmdline || { echo 'not KVM with -cpu host'; exit 1; }
    grep -qE 'accel[= ]tcg|nolapic_timer|tb-size' /tmp/qemu-cmdline && { echo 'a TCG-only option on KVM'; exit 1; }
    # libvirt pins the vCPU threads before it resumes the guest, but after
    # QEMU appears (its CPU checks take seconds here): read them until the
    # guest runs pinned, or for 20 s.
    rc=1 tries=0 seen=''
    while [ \$rc -ne 0 ] && [ \$tries -lt 40 ]; do
        rc=1 seen=''
        for t in /proc/\$q/task/*; do
            case \$(cat \$t/comm 2>/dev/null) in CPU*KVM*)
                got=\$(awk '/Cpus_allowed_list/ { print \$2 }' \$t/status)
                seen=\"\$seen \$(cat \$t/comm)=\$got\"
                [ \"\$got\" = \"\$want\" ] && rc=0 || { rc=1; break; } ;;
            esac
        done
        [ \$rc -eq 0 ] || { sleep 0.5; tries=\$((tries + 1)); }
    done
    echo \"vcpu threads:\${seen:- none} (workload CPUs: \$want; after \$tries retries)\"
    # The run holds its guest 20 s; one still running 3 minutes on is
    # stuck: say where, and stop it (its output is in pin-run.log).
    i=0
    while kill -0 \$pid 2>/dev/null && [ \$i -lt 360 ]; do sleep 0.5; i=\$((i + 1)); done
    if kill -0 \$pid 2>/dev/null; then
        echo \"vcbench run still running 3 minutes after its guest appeared (qemu: \${q:-none}); every process:\"
        ps -eo pid,ppid,stat,wchan:32,etime,args
        tail -5 '$out/pin-run.log'
        kill -INT \$pid
        rc=1
    fi
    wait \$pid
    exit \$rc"

if [ "$shape" = numa ]; then
    # hwloc's view and the placement rules on 2 sockets x 2 cores x 2
    # threads, one NUMA node per socket: the workload on the last core's
    # first thread, its SMT sibling left idle, harness and emulator on one
    # thread of each other core, memory on the workload's node.
    check "doctor: hwloc sees 2 packages, 2 NUMA nodes, 4 cores, 8 PUs" \
        grep -q '2 package(s), 2 NUMA node(s), 4 core(s), 8 PU(s)' "$out/doctor.txt"
    check "placement: workload CPU 6, harness 0,2,4, memory on node 1" \
        grep -q 'workload on CPU 6, harness and emulator on CPU 0,2,4; memory bound to NUMA node 1' "$out/doctor.txt"
    check "run.json: cpus_workload 6" grep -q '"cpus_workload": "6"' /var/tmp/run/run.json
    # Memory binding, read back from the running instances.
    step numa-container sh -c "
        '$V' run --envs container --workloads hold --set hold.seconds=20 --runs 1 --warmup 0 --out /var/tmp/nc >/dev/null 2>&1 &
        pid=\$!
        i=0; f=''
        while [ \$i -lt 100 ] && [ -z \"\$f\" ]; do
            f=\$(find /sys/fs/cgroup -path '*vcbench.*' -name cpuset.mems.effective 2>/dev/null | tail -1)
            sleep 0.2; i=\$((i + 1))
        done
        sleep 1
        got=\$(cat \"\$f\" 2>/dev/null); echo \"container cgroup \$f: cpuset.mems.effective=\$got\"
        wait \$pid
        [ \"\$got\" = 1 ]"
    step numa-vm sh -c "
        '$V' run --envs vm --workloads hold --set hold.seconds=20 --runs 1 --warmup 0 --out /var/tmp/nv >/dev/null 2>&1 &
        pid=\$!
        i=0; q=''
        while [ \$i -lt 240 ] && [ -z \"\$q\" ]; do q=\$(pgrep -f '^[^ ]*qemu-system-x86_64 .*guest=vcbench-' | head -1); sleep 0.5; i=\$((i + 1)); done
        sleep 5
        grep -E 'bind:|N[0-9]+=' /proc/\$q/numa_maps | awk '{ print \$2, \$NF }' | sort | uniq -c | sort -rn | head -5
        bind=\$(grep -c 'bind:1' /proc/\$q/numa_maps)
        # QEMU's own memory (guest RAM and heap: anonymous) must all be on
        # node 1; a file mapping can hold page-cache pages read before, on
        # any node (shared libraries), which the policy does not move.
        on0=\$(awk '/bind:1/ && / N0=/ && !/ file=/' /proc/\$q/numa_maps | wc -l)
        ram=\$(awk '/bind:1/ && !/ file=/ { for (i = 1; i <= NF; i++) if (\$i ~ /^N1=/) s += substr(\$i, 4) } END { print s + 0 }' /proc/\$q/numa_maps)
        echo \"qemu \$q: \$bind mappings bound to node 1; \$ram anonymous pages on node 1, \$on0 anonymous mappings with pages on node 0\"
        awk '/ N0=/' /proc/\$q/numa_maps | head -5
        wait \$pid
        [ \"\$bind\" -ge 1 ] && [ \"\$ram\" -gt 0 ] && [ \"\$on0\" -eq 0 ]"
fi

echo "check's own time: $(uptime_s) s of outer-guest uptime" >> "$out/summary.txt"
if [ -z "$failed" ]; then echo ok > "$out/status"; else echo "failed:$failed" > "$out/status"; fi
log "done: $(cat "$out/status")"
sync
umount /vcb-out 2>/dev/null
echo o > /proc/sysrq-trigger
sleep 30
