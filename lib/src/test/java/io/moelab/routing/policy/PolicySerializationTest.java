package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation policies travel to Spark executors by Java serialisation and route the same there. */
class PolicySerializationTest {
    @TempDir
    Path dir;

    @Test
    void everyFormSurvivesSerialisationAndRoutesTheSame() throws Exception {
        Path betas = Files.writeString(dir.resolve("betas.json"), "{\"betas\": {\"0\": 0.9, \"1\": 0.9, \"2\": 0.9}}");
        float[] logits = {0.5f, 1.5f, -0.3f, 1.0f, 0.2f, -1.0f};
        for (String spec : new String[] {
            "native",
            "topk:k=3",
            "topp:p=0.6,max=3",
            "random:k=2,seed=9",
            "rank:r=2",
            "skip:betas=" + betas,
            "mask:off=*/1,on=0/5|bias:-0.5@0/3|temperature:t=2|random:k=2,seed=4"
        }) {
            EvalPolicy.Routed policy = (EvalPolicy.Routed) PolicySpecs.parse(spec);
            EvalPolicy.Routed copy = (EvalPolicy.Routed) roundTrip(policy);
            assertEquals(policy.spec(), copy.spec());
            assertEquals(policy.spec(), copy.policy().spec());
            RoutingDecision expected = TinyModels.routeOne(policy.policy(), TinyModels.MIXTRAL, 0, logits);
            RoutingDecision actual = TinyModels.routeOne(copy.policy(), TinyModels.MIXTRAL, 0, logits);
            assertArrayEquals(TinyModels.experts(expected, 0), TinyModels.experts(actual, 0), spec);
            assertArrayEquals(TinyModels.gates(expected, 0), TinyModels.gates(actual, 0), spec);
        }
        EvalPolicy skip = PolicySpecs.parse("skip:betas=" + betas);
        Files.delete(betas);
        RoutingPolicy shipped = ((EvalPolicy.Routed) roundTrip(skip)).policy();
        assertEquals(
                1, TinyModels.routeOne(shipped, TinyModels.MIXTRAL, 0, logits).count(0), "needs no file once parsed");
    }

    @Test
    void nativeStaysOneInstance() throws Exception {
        RoutingPolicy copy = ((EvalPolicy.Routed) roundTrip(PolicySpecs.parse("native"))).policy();
        assertSame(NativeRouting.INSTANCE, copy);
    }

    @Test
    void contrastivePoliciesSurviveSerialisation() throws Exception {
        EvalPolicy policy = PolicySpecs.parse("scmoe:strong=topp:p=0.4,max=4,beta=0.3");
        assertEquals(policy.spec(), roundTrip(policy).spec());
    }

    private static EvalPolicy roundTrip(EvalPolicy policy) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(policy);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (EvalPolicy) in.readObject();
        }
    }
}
