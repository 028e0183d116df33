package io.moelab;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors of README's architecture section, checked on the compiled engine and jobs: base →
 * routing → model → data/stats → compress/eval/merge → jobs → CLI, no import running back up and
 * no package cycle anywhere.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.moelab");
    }

    @Test
    void importsOnlyRunDownTheFloors() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Base")
                .definedBy("io.moelab", "io.moelab.moe..")
                .layer("Routing")
                .definedBy("io.moelab.routing..")
                .layer("Model")
                .definedBy("io.moelab.model..")
                .layer("Data")
                .definedBy("io.moelab.data..")
                .layer("Stats")
                .definedBy("io.moelab.stats..")
                .layer("Compress")
                .definedBy("io.moelab.compress..")
                .layer("Eval")
                .definedBy("io.moelab.eval..")
                .layer("Merge")
                .definedBy("io.moelab.merge..")
                .layer("Jobs")
                .definedBy("io.moelab.jobs..")
                .layer("Cli")
                .definedBy("io.moelab.cli..")
                .whereLayer("Cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Jobs")
                .mayOnlyBeAccessedByLayers("Cli")
                .whereLayer("Compress")
                .mayOnlyBeAccessedByLayers("Jobs", "Cli")
                .whereLayer("Merge")
                .mayOnlyBeAccessedByLayers("Jobs", "Cli")
                .whereLayer("Eval")
                .mayOnlyBeAccessedByLayers("Jobs", "Cli")
                .whereLayer("Stats")
                .mayOnlyBeAccessedByLayers("Jobs", "Cli")
                .whereLayer("Data")
                .mayOnlyBeAccessedByLayers("Eval", "Merge", "Compress", "Jobs", "Cli")
                .whereLayer("Model")
                .mayOnlyBeAccessedByLayers("Data", "Stats", "Compress", "Eval", "Merge", "Jobs", "Cli")
                .whereLayer("Routing")
                .mayOnlyBeAccessedByLayers("Model", "Data", "Stats", "Compress", "Eval", "Merge", "Jobs", "Cli")
                .check(classes);
    }

    @Test
    void compressionMethodsAndPipelineSitOnTheApiNotOnEachOther() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Linalg")
                .definedBy("io.moelab.compress.linalg..")
                .layer("Api")
                .definedBy("io.moelab.compress")
                .layer("Methods")
                .definedBy("io.moelab.compress.method..")
                .layer("Pipeline")
                .definedBy("io.moelab.compress.pipeline..")
                .whereLayer("Methods")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Pipeline")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Api")
                .mayOnlyBeAccessedByLayers("Methods", "Pipeline")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.moelab.(**)").should().beFreeOfCycles().check(classes);
    }
}
