package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.routing.NativeRouting;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec strings: parsing, canonical form, list splitting and one clear error per kind of mistake. */
class PolicySpecsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "native; native",
                "topk:k=04; topk:k=4",
                "topp:p=0.40; topp:p=0.4",
                "topp:max=4,p=.4; topp:p=0.4,max=4",
                "temperature:t=2.0; temperature:t=2",
                "temperature:t=1e-1; temperature:t=0.1",
                "random:seed=3,k=2; random:k=2,seed=3",
                "random:k=2,seed=-7; random:k=2,seed=-7",
                "rank:r=3; rank:r=3",
                "mask:on=2/1,off=3/0+*/5+1/2+1/2; mask:off=*/5+1/2+3/0,on=2/1",
                "bias:1.50@2/3+*/1; bias:+1.5@*/1+2/3",
                "bias:-0.25@0/0; bias:-0.25@0/0",
                "mask:off=1/3|native; mask:off=1/3",
                "mask:off=1/3|bias:+1@0/2|topp:p=0.5; mask:off=1/3|bias:+1@0/2|topp:p=0.5",
                "scmoe; scmoe:strong=topk:k=2,weak=rank:r=3,alpha=0.1,beta=0.5",
                "scmoe:beta=1.0,strong=topp:p=0.40,max=4; scmoe:strong=topp:p=0.4,max=4,weak=rank:r=3,alpha=0.1,beta=1",
                "scmoe:weak=mask:off=1/3,on=2/4|topk:k=2,alpha=0.2; scmoe:strong=topk:k=2,weak=mask:off=1/3,on=2/4|topk:k=2,alpha=0.2,beta=0.5",
            })
    void specsAreWrittenCanonicallyAndRoundTrip(String spec, String canonical) {
        EvalPolicy policy = PolicySpecs.parse(spec);
        assertEquals(canonical, policy.spec());
        assertEquals(canonical, PolicySpecs.parse(policy.spec()).spec());
    }

    @Test
    void policiesOfEachForm() {
        assertSame(NativeRouting.INSTANCE, ((EvalPolicy.Routed) PolicySpecs.parse("native")).policy());
        assertInstanceOf(TopPRouting.class, ((EvalPolicy.Routed) PolicySpecs.parse("topp:p=0.4")).policy());
        assertInstanceOf(ComposedRouting.class, ((EvalPolicy.Routed) PolicySpecs.parse("mask:off=1/3")).policy());
        EvalPolicy.Contrastive scmoe = (EvalPolicy.Contrastive) PolicySpecs.parse("scmoe:alpha=0.2,beta=0.7");
        assertEquals("topk:k=2", scmoe.strong().spec());
        assertEquals("rank:r=3", scmoe.weak().spec());
        assertEquals(0.2, scmoe.alpha());
        assertEquals(0.7, scmoe.beta());
    }

    @Test
    void aListSplitsWhereAPieceStartsANewSpec() {
        assertEquals(List.of("topp:p=0.4,max=4", "native"), specs(PolicySpecs.parseList("topp:p=0.4,max=4,native")));
        assertEquals(
                List.of("scmoe:strong=topk:k=2,weak=rank:r=2,alpha=0.1,beta=0.5"),
                specs(PolicySpecs.parseList("scmoe:strong=topk:k=2,weak=rank:r=2,alpha=0.1")));
        assertEquals(
                List.of("random:k=2,seed=1", "bias:+1@0/2", "mask:off=1/3|topk:k=3", "native"),
                specs(PolicySpecs.parseList("random:k=2,seed=1, bias:+1@0/2,mask:off=1/3|topk:k=3,native")));
    }

    private static List<String> specs(List<EvalPolicy> policies) {
        return policies.stream().map(EvalPolicy::spec).toList();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "k=2,native; a parameter of no policy",
                "native,,topk:k=2; empty entry",
            })
    void malformedListsSayWhy(String list, String reason) {
        assertError(() -> PolicySpecs.parseList(list), list, reason);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "'' ; empty policy spec",
                "top2; unknown policy 'top2'",
                "topk; missing parameter 'k'",
                "topk:k=0; k must be an integer of at least 1",
                "topk:k=two; k 'two' is not an integer",
                "topk:k=2,p=0.3; unknown parameter 'p'",
                "topk:k=2,k=3; parameter 'k' given twice",
                "topk:2; '2' is not key=value",
                "topp:p=1.5; p must be in [0, 1]",
                "topp:p=NaN; p 'NaN' is not a decimal number",
                "topp:p=0.4,max=0; max must be an integer of at least 1",
                "temperature:t=0; temperature t must be positive",
                "temperature:t=1e999; t '1e999' is out of range",
                "random:k=2; missing parameter 'seed'",
                "random:k=2,seed=99999999999999999999; does not fit in 64 bits",
                "rank:r=0; r must be an integer of at least 1",
                "native:k=2; native takes no parameters",
                "mask:; a mask needs off= or on=",
                "mask:off=; empty expert list",
                "mask:off=1-3; '1-3' is not layer/expert",
                "mask:off=a/3; layer 'a' is not an integer",
                "mask:off=1/3,on=*/3; expert */3 is both switched off (1/3) and forced on",
                "bias:1/3; a bias is written bias:+D@L/E",
                "bias:+x@1/3; bias '+x' is not a decimal number",
                "skip:betas=; betas= needs a file",
                "topk:k=2|topp:p=0.4; two selecting policies",
                "topk:k=2|mask:off=1/3; comes after the selecting policy 'topk:k=2'",
                "mask:off=1/3||topk:k=2; empty stage",
                "mask:on=1/3|topp:p=0.4; topp:p=0.4 cannot take forced experts",
                "mask:on=1/3|rank:r=3; rank:r=3 cannot take forced experts",
                "native|scmoe; scmoe is a decoding policy",
                "scmoe:gamma=1; 'gamma=1' is not one of scmoe's",
                "scmoe:alpha=2; alpha must be in [0, 1]",
                "scmoe:beta=-1; beta must be at least 0",
                "scmoe:alpha=0.1,alpha=0.2; scmoe parameter 'alpha' given twice",
            })
    void everyMalformedSpecGetsItsOwnErrorQuotingItAndListingTheForms(String spec, String reason) {
        MoelabInputException e = assertError(() -> PolicySpecs.parse(spec), spec, reason);
        assertTrue(e.getMessage().contains("valid forms: native; topk:k=K"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void aNestedScmoeSpecIsQuotedInItsError() {
        assertError(() -> PolicySpecs.parse("scmoe:strong=topk:k=x"), "topk:k=x", "k 'x' is not an integer");
        assertError(() -> PolicySpecs.parse("scmoe:weak=scmoe"), "scmoe", "scmoe is a decoding policy");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "topk:k=7; k=7 exceeds the model's 6 experts",
                "random:k=9,seed=1; k=9 exceeds the model's 6 experts",
                "rank:r=7; r=7 exceeds the model's 6 experts",
                "topp:p=0.5,max=8; max=8 exceeds the model's 6 experts",
                "mask:off=1/3; layer 1 is not a MoE layer (MoE layers [0, 2])",
                "mask:off=5/3; layer 5 does not exist (the model has layers 0..2; MoE layers [0, 2])",
                "bias:+1@0/6; expert 6 is out of range (the model has experts 0..5)",
                "mask:on=*/6; expert 6 is out of range",
                "mask:off=0/0+0/1+0/2+0/3+0/4; layer 0 keeps 1 of its 6 experts switched on, but native needs 2",
                "mask:off=*/0+*/1+*/2|topk:k=4; keeps 3 of its 6 experts switched on, but topk:k=4 needs 4",
                "mask:on=2/0+2/1+2/2; layer 2 forces 3 experts on, but native chooses 2 per token",
                "scmoe:weak=rank:r=8; r=8 exceeds the model's 6 experts",
            })
    void specsThatDoNotFitTheModelSayWhatItHas(String spec, String reason) {
        EvalPolicy policy = PolicySpecs.parse(spec);
        assertError(() -> policy.validateFor(TinyModels.QWEN2_MOE), "routing policy '", reason);
    }

    @Test
    void specsThatFitPassValidation() {
        for (String spec : List.of(
                "native",
                "topk:k=6",
                "mask:off=*/0+*/1+*/2+*/3",
                "bias:+2@2/5",
                "mask:on=0/5|random:k=2,seed=1",
                "topp:p=0.9,max=6",
                "scmoe")) {
            PolicySpecs.parse(spec).validateFor(TinyModels.QWEN2_MOE);
        }
    }

    private static MoelabInputException assertError(
            org.junit.jupiter.api.function.Executable call, String quoted, String reason) {
        MoelabInputException e = assertThrows(MoelabInputException.class, call);
        assertTrue(
                e.getMessage().contains("'" + quoted) || e.getMessage().contains(quoted),
                "quotes the spec: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "says '" + reason + "': " + e.getMessage());
        return e;
    }
}
