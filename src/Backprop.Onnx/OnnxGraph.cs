using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Backprop.Onnx;

/// <summary>The graph being written: nodes in order, the constant tensors they read (initializers) and unique names
/// for both. Every name is the layer's name followed by what it holds ("dense/MatMul", "dense/kernel"), so a graph
/// viewer (Netron) shows which layer each node came from.</summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphProto Proto { get; } = new();

    /// <summary>A name not used yet: <paramref name="wanted"/>, else with "_1", "_2", … appended.</summary>
    public string UniqueName(string wanted)
    {
        string name = wanted;
        for (int i = 1; !_names.Add(name); i++)
        {
            name = $"{wanted}_{i}";
        }

        return name;
    }

    /// <summary>Adds a node of operator <paramref name="op"/> (default domain, one output) and returns the name of
    /// its output, which is also the node's name.</summary>
    public string Node(string op, string prefix, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string name = UniqueName($"{prefix}/{op}");
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return name;
    }

    /// <summary>A float32 initializer of the given dimensions (none: a scalar), stored little-endian in raw_data.</summary>
    public string Float(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        long expected = 1;
        foreach (long d in dims)
        {
            expected *= d;
        }

        if (expected != values.Length)
        {
            throw new InvalidOperationException($"Initializer '{name}': {values.Length} values for dimensions ({string.Join(", ", dims)}).");
        }

        var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        if (BitConverter.IsLittleEndian)
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }
        else
        {
            tensor.FloatData.AddRange(values.ToArray());
        }

        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(string name, float value) => Float(name, [value]);

    /// <summary>A 1-D int64 initializer (shapes, pads, axes).</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A graph input or output: float32 with a symbolic batch axis <paramref name="batchAxis"/> followed
    /// by the per-sample dimensions.</summary>
    public static ValueInfoProto FloatValue(string name, string batchAxis, IEnumerable<int> sampleDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchAxis });
        foreach (int d in sampleDims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
