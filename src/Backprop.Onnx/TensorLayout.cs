namespace Backprop.Onnx;

/// <summary>How the tensor flowing through the graph is laid out. Backprop's images are channels-last (batch, height,
/// width, channels), ONNX's Conv and pooling operators channels-first (batch, channels, height, width): the graph
/// transposes into channels-first before the first such layer and back only when a layer needs channels-last
/// (Dense, Flatten, Reshape) or at the output, so a stack of convolutions, activations and pooling layers pays two
/// transposes, not two per layer.</summary>
internal enum TensorLayout
{
    /// <summary>As Backprop holds it (any rank): the graph's input and output.</summary>
    ChannelsLast,

    /// <summary>(batch, channels, height, width): images inside a run of convolution and pooling layers.</summary>
    ChannelsFirst,
}
