package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No {@code NDArray} arithmetic with a {@code java.lang.Number} argument in the project's code.
 *
 * <p>DJL's PyTorch engine wraps such a number in a tensor over a Java direct buffer and closes it
 * at once, yet autograd keeps that tensor for backward ({@code mul}, {@code div}, {@code pow},
 * {@code maximum}, ...): a garbage collection between forward and backward frees the buffer and
 * backward reads freed memory (NaN, huge, zero or silently wrong gradients; STACK.md). Scalars go
 * through torch-owned arrays instead ({@link Scalars}, {@link AttentionOps#scale}).
 *
 * <p>How: every class compiled from src/main (target/classes) is read with the JDK's
 * {@code java.lang.classfile} API and every invoke instruction on a DJL {@code NDArray} type (or
 * {@code NDArrays}) whose descriptor takes a {@code java.lang.Number} is reported with its source
 * line, unless allowed below.
 */
class NumberArithmeticGuardTest {
    static final ClassDesc NUMBER = ClassDesc.of("java.lang.Number");

    /** Comparisons give boolean arrays: no gradient flows through them. */
    static final Set<String> COMPARISONS = Set.of("eq", "neq", "gt", "gte", "lt", "lte");

    /**
     * Call sites outside any gradient path, as "Class.method" (simple class name). AdamW.update:
     * the in-place optimizer update runs with autograd off (no graph keeps the scalar).
     */
    static final Set<String> NO_GRAD_SITES = Set.of("AdamW.update");

    record Call(String site, String target, int line) {
        @Override
        public String toString() {
            return site + " (line " + line + ") calls " + target;
        }
    }

    /** Every Number-argument NDArray call in the classes under {@code root}. */
    static List<Call> scan(Path root) throws IOException {
        List<Call> calls = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                ClassModel cm = ClassFile.of().parse(file);
                String owner = cm.thisClass().asSymbol().displayName();
                String outer = owner.contains("$") ? owner.substring(0, owner.indexOf('$')) : owner;
                for (MethodModel m : cm.methods()) {
                    if (m.code().isEmpty()) {
                        continue;
                    }
                    int line = -1;
                    for (CodeElement e : m.code().get()) {
                        if (e instanceof LineNumber ln) {
                            line = ln.line();
                        } else if (e instanceof InvokeInstruction inv && isNdArrayType(inv.owner().asInternalName())
                                && inv.typeSymbol().parameterList().contains(NUMBER)) {
                            calls.add(new Call(outer + "." + methodName(m), inv.owner().asSymbol().displayName() + "."
                                    + inv.name().stringValue() + "(" + inv.typeSymbol().parameterList().stream()
                                    .map(ClassDesc::displayName).reduce((a, b) -> a + ", " + b).orElse("") + ")", line));
                        }
                    }
                }
            }
        }
        return calls;
    }

    static boolean isNdArrayType(String internalName) {
        return internalName.startsWith("ai/djl/") && (internalName.endsWith("NDArray") || internalName.endsWith("/NDArrays"));
    }

    /** Lambdas are named after their enclosing method: lambda$step$3 -> step. */
    static String methodName(MethodModel m) {
        String name = m.methodName().stringValue();
        if (name.startsWith("lambda$")) {
            String rest = name.substring("lambda$".length());
            return rest.contains("$") ? rest.substring(0, rest.indexOf('$')) : rest;
        }
        return name;
    }

    static boolean allowed(Call c) {
        String method = c.target().substring(c.target().lastIndexOf('.') + 1, c.target().indexOf('('));
        return COMPARISONS.contains(method) || NO_GRAD_SITES.contains(c.site());
    }

    @Test
    void noNumberArithmeticOnNdArraysInTheProject() throws IOException {
        Path classes = Path.of("target", "classes", "org", "kemwb");
        assertTrue(Files.isDirectory(classes), "compiled classes at " + classes);
        List<Call> all = scan(classes);
        List<String> offending = all.stream().filter(c -> !allowed(c)).map(Call::toString).toList();
        assertEquals(List.of(), offending, "NDArray arithmetic with a java.lang.Number (use Scalars / AttentionOps.scale)");
    }

    @Test
    void theScanFindsSuchCallsAndTheirLines() throws IOException {
        // this test class's own compiled probe (below) holds one offending call and one comparison
        Path probe = Path.of("target", "test-classes", "org", "kemwb", "model");
        List<Call> found = scan(probe).stream().filter(c -> c.site().endsWith("NumberArithmeticGuardTest.probe")).toList();
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.stream().anyMatch(c -> c.target().equals("NDArray.mul(Number)") && !allowed(c)), found.toString());
        assertTrue(found.stream().anyMatch(c -> c.target().equals("NDArray.gt(Number)") && allowed(c)), found.toString());
        assertTrue(found.stream().allMatch(c -> c.line() > 0), "source lines are reported");
    }

    /** Never called: scanned by {@link #theScanFindsSuchCallsAndTheirLines}. */
    @SuppressWarnings("unused")
    private static ai.djl.ndarray.NDArray probe(ai.djl.ndarray.NDArray x) {
        return x.mul(0.5f).gt(0);
    }
}
