package org.kemwb;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the project (ARCHITECTURE.md): no dependency cycles between the
 * packages under {@code org.kemwb}; the GUI ({@code ui}) is used by nothing but the command line
 * ({@code cli}, which starts it); the low {@code io} package depends on nothing of ours but
 * {@code util}. Checked on the compiled main classes with ArchUnit.
 */
class PackageCycleTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.kemwb");
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("org.kemwb.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void uiIsUsedOnlyByCli() {
        noClasses().that().resideOutsideOfPackages("org.kemwb.ui..", "org.kemwb.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.kemwb.ui..").check(classes);
    }

    @Test
    void ioDependsOnNothingOfOursButUtil() {
        noClasses().that().resideInAPackage("org.kemwb.io..")
                .should().dependOnClassesThat(resideInAPackage("org.kemwb..").and(not(resideInAnyPackage("org.kemwb.io..", "org.kemwb.util.."))))
                .check(classes);
    }

    @Test
    void theRulesSeeTheProject() {
        // guards against an import that silently finds nothing (every rule would pass on no classes)
        org.junit.jupiter.api.Assertions.assertTrue(classes.contain("org.kemwb.io.ImageDecoder"));
        org.junit.jupiter.api.Assertions.assertTrue(classes.size() > 100, "classes imported: " + classes.size());
    }
}
