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
  --jlink-options "--strip-debug --no-header-files --no-man-pages --strip-native-commands" \
  --java-options "-Dai.djl.offline=true --enable-native-access=ALL-UNNAMED,javafx.graphics -Xmx4g -Dkemwb.packaged=true -Dkemwb.samples=\$APPDIR/samples" \
  --icon resources/icons/kemwb.png --description "Workbench for multi-task vision models with KEM" --vendor "KEM Workbench"
image="$out/kem-workbench"
cp -r samples "$image/lib/app/samples"
# JavaFX native libraries in the runtime, so nothing is extracted to ~/.openjfx at start
for j in "$out"/fxmods/*.jar; do unzip -q -o -j "$j" '*.so' -d "$image/lib/runtime/lib" 2>/dev/null || true; done
du -sh "$image"
if [ "${1:-}" = "--deb" ]; then
  "$jdk/bin/jpackage" --type deb --dest "$out" --app-image "$image" --name kem-workbench --app-version 0.1.0 \
    --linux-shortcut --linux-menu-group Science --icon resources/icons/kemwb.png \
    --description "Workbench for multi-task vision models with KEM" --vendor "KEM Workbench"
  ls -la "$out"/*.deb
fi
