package org.kemwb.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kemwb.data.Batch;
import org.kemwb.model.AttentionOps;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.Task;

/**
 * One optimisation step at a time: forward, weighted sum of task losses, backward, AdamW.
 * All temporaries of a step live in a sub-manager closed at the end of the step, so a long
 * run does not grow native memory.
 */
public final class StepTrainer {
    private final LoadedModel model;
    private final AdamW optimizer;
    private final Tracker learningRate;
    private final Map<Task, Double> weights;
    private final List<Pair<String, Parameter>> parameters;
    private int updates;

    public StepTrainer(LoadedModel model, Tracker learningRate, float weightDecay, Map<Task, Double> weights) {
        this.model = model;
        this.learningRate = learningRate;
        this.optimizer = new AdamW(weightDecay);
        this.weights = weights;
        this.parameters = model.net().getParameters().stream().filter(p -> p.getValue().requiresGradient()).toList();
    }

    /** Losses of one step, per task and weighted total; plain numbers, nothing native. */
    public record StepLosses(Map<Task, Double> perTask, double total, float learningRate) {}

    public LoadedModel model() {
        return model;
    }

    /** Learning rate the next update will use. */
    public float nextLearningRate() {
        return learningRate.getNewValue(updates + 1);
    }

    public int updates() {
        return updates;
    }

    /** Continues the step count (and the schedule) after a resume. */
    public void setUpdates(int done) {
        this.updates = done;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public List<Pair<String, Parameter>> trainableParameters() {
        return parameters;
    }

    /** Runs one step on a batch whose arrays live on {@code scope} (closed by the caller). */
    public StepLosses step(NDManager scope, Batch batch) {
        org.kemwb.util.UiThreadGuard.check("training step");
        ParameterStore ps = model.parameterStore(scope);
        Map<Task, Double> perTask = new LinkedHashMap<>();
        double total;
        float lr = nextLearningRate();
        org.kemwb.model.EngineSetup.AUTOGRAD.lock();
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            // copies in the step's scope: results of an op land in its first operand's manager, so
            // a batch kept in a longer-lived manager would otherwise collect every step's arrays
            NDArray images = batch.images().toDevice(model.device(), true);
            images.attach(scope);
            NDList outputs = model.net().forward(ps, images, true, false).outputs();
            NDArray loss = null;
            List<Task> tasks = model.config().tasks();
            Parameter logVar = model.net().lossLogVariance();
            NDArray s = logVar == null ? null : ps.getValue(logVar, model.device(), true);
            for (int t = 0; t < tasks.size(); t++) {
                Task task = tasks.get(t);
                NDArray label = batch.labels().get(task);
                if (label == null) {
                    continue; // partially labelled sample sets: no loss for a missing task
                }
                NDArray onDevice = label.toDevice(model.device(), true);
                onDevice.attach(scope);
                NDArray taskLoss = Losses.of(task, outputs.get(t), onDevice);
                perTask.put(task, (double) taskLoss.getFloat());
                NDArray weighted = AttentionOps.scale(taskLoss, weights.getOrDefault(task, 1.0));
                if (s != null) {
                    // uncertainty weighting (Kendall et al. 2018): exp(-s_t) L_t + s_t
                    NDArray st = s.get(t);
                    st.attach(scope); // a view of the parameter: results must not land in the model's manager
                    weighted = weighted.mul(st.neg().exp()).add(st);
                }
                loss = loss == null ? weighted : loss.add(weighted);
            }
            if (loss == null) {
                throw new IllegalArgumentException("batch has labels for none of the model's tasks");
            }
            total = loss.getFloat();
            if (!Double.isFinite(total)) {
                return new StepLosses(perTask, total, lr);
            }
            collector.backward(loss);
        } finally {
            org.kemwb.model.EngineSetup.AUTOGRAD.unlock();
        }
        updates++;
        optimizer.update(parameters, lr);
        return new StepLosses(perTask, total, lr);
    }
}
