namespace Backprop.Kernels;

/// <summary>An element-wise function the GEMM epilogue applies to each output tile before it leaves the cache:
/// <c>C ← f(α·op(A)·op(B) + β·C + bias)</c>. oneDNN calls these matmul "post-ops"; Keras's
/// <c>Dense(units, activation=…)</c> computes the same thing in two passes.</summary>
public enum GemmActivation
{
    /// <summary>Identity: f(x) = x.</summary>
    None,

    /// <summary>f(x) = max(x, 0) (<c>keras.activations.relu</c>).</summary>
    Relu,

    /// <summary>f(x) = tanh(x).</summary>
    Tanh,

    /// <summary>f(x) = 1 / (1 + e^(−x)) (<c>keras.activations.sigmoid</c>).</summary>
    Sigmoid,
}
