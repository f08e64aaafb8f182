#!/bin/sh
# Root smoke test of libjrunc: compiles test/jni/NativeSmoke.java together with the runtime's Native and
# LinuxException (same package, so the package-private Native is reachable) and runs it.
# usage: test/jni-smoke.sh [JDK_HOME]   (after make)
set -e
here=$(cd "$(dirname "$0")" && pwd)
jdk=${1:-/usr/lib/jvm/temurin-25-jdk-amd64}
src=$here/../../runtime/src/main/java/io/jrunc/sys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$jdk/bin/javac" -d "$tmp" "$src/Native.java" "$src/LinuxException.java" "$here/jni/NativeSmoke.java"
# The last argument makes the test end in an execve of /bin/sh (the JVM is replaced: its exit code is sh's).
cd "$tmp" && "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$tmp" io.jrunc.sys.NativeSmoke \
  "$here/../target/libjrunc.so" exec
