package org.kemwb.model;

/** The interchangeable task-interaction modules between the task encoders and decoders. */
public enum InteractionKind {
    /** No exchange: every task sees only its own tokens (single-task baselines). */
    NONE("none"),
    /** Cross-task cross-attention over the tokens of all tasks ("KEM w/ CA" in the paper). */
    CA("ca"),
    /** Knowledge Exchange Module: Retrieve (top-k), Write, Broadcast through N memory slots. */
    KEM("kem"),
    /** Stable KEM: retrieve scores computed in a simplex-ETF space. */
    SKEM("skem"),
    /**
     * NexusFlow-style alignment: per-task invertible affine-coupling flows map task features
     * into a shared canonical space, where they are averaged and mapped back to each task.
     */
    NEXUSFLOW("nexusflow"),
    /**
     * Cross-task affinity learning (CTAL, seed 002): per-task token affinities (Gram matrices),
     * interleaved and combined across tasks by task-specific grouped 3 x 3 convolutions, then used
     * to propagate each task's own features.
     */
    CTAL("ctal");

    private final String id;

    InteractionKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean usesMemory() {
        return this == KEM || this == SKEM;
    }

    public static InteractionKind parse(String name) {
        for (InteractionKind k : values()) {
            if (k.id.equalsIgnoreCase(name.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown interaction '" + name + "' (allowed: none, ca, kem, skem, nexusflow, ctal)");
    }

    @com.fasterxml.jackson.annotation.JsonValue
    @Override
    public String toString() {
        return id;
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    static InteractionKind fromJson(String s) {
        return parse(s);
    }
}
