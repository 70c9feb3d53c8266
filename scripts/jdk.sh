#!/bin/sh
# Checks for the JDK KEM Workbench needs (25 or newer) before any JVM reads our options
# (.mvn/jvm.config has --sun-misc-unsafe-memory-access=allow, which older JVMs refuse).
#
#   scripts/jdk.sh           check $JAVA_HOME, else the java on the PATH (what ./mvnw uses)
#   scripts/jdk.sh --find    the same, then look in the usual install folders for a JDK 25+
#
# Prints the home folder of a suitable JDK on stdout and exits 0; otherwise prints one line
# to stderr (what it needs, which Java it found, how to set JAVA_HOME) and exits 1.
# KEMWB_JDK_SEARCH (colon-separated globs) replaces the folders --find looks in.
set -u
need=25

# major version of the JDK at home $1 (empty when unknown)
major() {
  v=""
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" 2>/dev/null)
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
  fi
  v=${v#1.} # 1.8.0 -> 8
  printf '%s\n' "${v%%[.+-]*}"
}

ok() { # $1 = candidate JDK home
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  m=$(major "$1")
  case "$m" in '' | *[!0-9]*) return 1 ;; esac
  [ "$m" -ge "$need" ]
}

found=""
if [ -n "${JAVA_HOME:-}" ]; then
  if ok "$JAVA_HOME"; then printf '%s\n' "$JAVA_HOME"; exit 0; fi
  found="Java $(major "$JAVA_HOME") at JAVA_HOME=$JAVA_HOME"
fi
java=$(command -v java 2>/dev/null || true)
if [ -n "$java" ]; then
  home=$(dirname "$(dirname "$(readlink -f "$java" 2>/dev/null || printf '%s' "$java")")")
  # ./mvnw runs $JAVA_HOME when it is set; --find may fall back to the java on the PATH
  if { [ -z "${JAVA_HOME:-}" ] || [ "${1:-}" = "--find" ]; } && ok "$home"; then printf '%s\n' "$home"; exit 0; fi
  [ -n "$found" ] || found="Java $(major "$home") at $java"
fi
if [ "${1:-}" = "--find" ]; then
  search=${KEMWB_JDK_SEARCH-/usr/lib/jvm/*:/usr/java/*:/opt/java/*:/opt/jdk*:$HOME/.sdkman/candidates/java/*:$HOME/.jdks/*:/Library/Java/JavaVirtualMachines/*/Contents/Home}
  best="" bestm=0
  IFS=:
  for pattern in $search; do
    unset IFS
    for home in $pattern; do
      if ok "$home"; then
        m=$(major "$home")
        if [ "$m" -gt "$bestm" ]; then best=$home bestm=$m; fi
      fi
    done
    IFS=:
  done
  unset IFS
  if [ -n "$best" ]; then printf '%s\n' "$best"; exit 0; fi
fi
[ -n "$found" ] || found="no Java (JAVA_HOME is not set and there is no java on the PATH)"
echo "KEM Workbench needs JDK 25 or newer, found $found; install a JDK 25 (e.g. https://adoptium.net) and set JAVA_HOME to it: export JAVA_HOME=/path/to/jdk-25" >&2
exit 1
