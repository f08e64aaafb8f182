#!/bin/bash
# The Java API on a pure cgroup v2 systemd host: the README's "Java API" example (its first ```java
# block), compiled in the guest against the built jar and run as root on a bundle, with no -Djrunc.home
# (the native pieces are found from the jar's location): the container's exit code comes back, its
# cgroup was placed as the CLI places it, and nothing is left.
. "$REPO/conformance/v2host/lib.sh"
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}

mkdir -p "$T/ex/cls"
awk '/^## Java API$/ {s=1} s && /^```java$/ {c=1; next} c && /^```$/ {exit} c {print}' "$REPO/README.md" > "$T/ex/src.java"
cls=$(sed -n 's/^public \(final \)\{0,1\}class \([A-Za-z0-9_]*\).*/\2/p' "$T/ex/src.java" | head -1)
if [ -z "$cls" ]; then
  notok "README's Java API example found" "$(head -5 "$T/ex/src.java")"
else
  mv "$T/ex/src.java" "$T/ex/$cls.java"
  # ApiTest (mvn verify on the host) compiles it into runtime/target/api-example; javac under emulation
  # takes about a minute, so it runs here only when those classes are missing or older than the README
  cls_dir=$REPO/runtime/target/api-example
  if [ -f "$cls_dir/$cls.class" ] && [ "$cls_dir/$cls.class" -nt "$REPO/README.md" ]; then
    ok "README example compiled against runtime/target/jrunc.jar (by ApiTest on the host)"
  else
    cls_dir=$T/ex/cls
    t "README example compiles against runtime/target/jrunc.jar" \
      "$JDK/bin/javac" -cp "$REPO/runtime/target/jrunc.jar" -d "$cls_dir" "$T/ex/$cls.java"
  fi
  b=$T/b-api
  mkbundle "$b" 'cat /proc/self/cgroup; exit 7'
  # the cgroup path is read from inside: no cgroup namespace (runc's spec adds one on v2)
  python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="cgroup"]; json.dump(c,open(p,"w"))' "$b/config.json"
  out=$("$JDK/bin/java" --enable-native-access=ALL-UNNAMED -Djrunc.root="$T/root-api" \
        -cp "$REPO/runtime/target/jrunc.jar:$cls_dir" "$cls" "$b" </dev/null 2>&1); code=$?
  eq "the example exits 0" 0 "$code"
  eq "the container's exit code comes back" "exit code: 7" "$(printf '%s\n' "$out" | grep '^exit code:')"
  # the CLI's rule on pure v2: next to the caller's own cgroup (a session scope here), named by the id
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  want="0::${own%/*}/example-"
  got=$(printf '%s\n' "$out" | grep '^0::' | sed 's/[0-9]*$//')
  eq "its cgroup is beside the caller's, named after the id" "$want" "$got"
  left=$(ls -A "$T/root-api" 2>/dev/null | grep -v '^@' | tr '\n' ' ')
  eq "nothing left in the state root" "" "$left"
  eq "no cgroup left" "" "$(find /sys/fs/cgroup -maxdepth 4 -type d -name 'example-*' 2>/dev/null | tr '\n' ' ')"
  [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
fi
finish
