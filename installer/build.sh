#!/usr/bin/env bash
# Builds the Linux app-image (and, with --deb, a .deb) of KEM Workbench with jpackage:
# its own Java runtime, JavaFX and the DJL PyTorch CPU natives inside, the samples included,
# running offline on a machine without Java. Output: target/installer/.
#   installer/build.sh [--deb]
# Windows (.msi, needs WiX) and macOS (.dmg) use the same steps on those systems with
# --type msi / --type dmg and the platform's JavaFX jars (-Djavafx.platform=win / mac).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
jdk="${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
./mvnw -q -B -ntp -DskipTests package
out=target/installer
rm -rf "$out" && mkdir -p "$out/input" "$out/fxmods"
cp target/kem-workbench-0.1.0-SNAPSHOT.jar "$out/input/kem-workbench.jar"
for j in target/lib/*.jar; do
  case "$(basename "$j")" in
    javafx-*-linux.jar) cp "$j" "$out/fxmods/" ;;
    javafx-*) ;;                      # platform-less javafx jars are empty shells
    *) cp "$j" "$out/input/" ;;
  esac
done
# jpackage puts every jar of --input on the launcher's class path
"$jdk/bin/jpackage" --type app-image --dest "$out" --name kem-workbench --app-version 0.1.0 \
  --input "$out/input" --main-jar kem-workbench.jar --main-class org.kemwb.cli.KemwbCli --arguments gui \
  --module-path "$out/fxmods" \
  --add-modules java.se,jdk.unsupported,jdk.zipfs,javafx.controls,javafx.swing \
  --jlink-options "--strip-debug --no-header-files --no-man-pages" \
  --java-options "-Dai.djl.offline=true --enable-native-access=ALL-UNNAMED,javafx.graphics -Xmx8g -Dkemwb.packaged=true -Dkemwb.samples=\$APPDIR/samples" \
  --icon resources/icons/kemwb.png --description "Workbench for multi-task vision models with KEM" --vendor "KEM Workbench"
image="$out/kem-workbench"
cp -r samples "$image/lib/app/samples"
# JavaFX native libraries in the runtime, so nothing is extracted to ~/.openjfx at start
for j in "$out"/fxmods/*.jar; do unzip -q -o -j "$j" '*.so' -d "$image/lib/runtime/lib" 2>/dev/null || true; done
# JDK 25 AOT cache (classes loaded and linked ahead of time, JEP 483/514): one recording start on
# the samples under Xvfb, then every start uses it. A cache that does not match (moved runtime,
# other jars) is skipped by the JVM, so the app still starts, only without the gain.
cfg="$image/lib/app/kem-workbench.cfg"
if command -v xvfb-run >/dev/null 2>&1 && [ "${KEMWB_AOT:-1}" = 1 ]; then
  cp "$cfg" "$cfg.orig"
  sed -i 's|^\[JavaOptions\]$|[JavaOptions]\njava-options=-XX:AOTCacheOutput=$APPDIR/kemwb.aot\njava-options=-Xlog:aot*=off\njava-options=-Xlog:cds*=off\njava-options=-Dkemwb.exitAfterFirstOutputs=true|' "$cfg"
  timeout 600 xvfb-run -a -s "-screen 0 1600x1000x24" "$image/bin/kem-workbench" >"$out/aot-record.log" 2>&1 || true
  mv "$cfg.orig" "$cfg"
  rm -f "$image/lib/app/kemwb.aot.config"
  if [ -s "$image/lib/app/kemwb.aot" ]; then
    sed -i 's|^\[JavaOptions\]$|[JavaOptions]\njava-options=-XX:AOTCache=$APPDIR/kemwb.aot\njava-options=-Xlog:aot*=off\njava-options=-Xlog:cds*=off|' "$cfg"
    echo "AOT cache: $(du -h "$image/lib/app/kemwb.aot" | cut -f1)"
  else
    echo "AOT cache not recorded (see $out/aot-record.log); the app starts without it" >&2
  fi
fi
du -sh "$image"
if [ "${1:-}" = "--deb" ]; then
  "$jdk/bin/jpackage" --type deb --dest "$out" --app-image "$image" --name kem-workbench --app-version 0.1.0 \
    --linux-shortcut --linux-menu-group Science --icon resources/icons/kemwb.png \
    --description "Workbench for multi-task vision models with KEM" --vendor "KEM Workbench"
  ls -la "$out"/*.deb
fi
