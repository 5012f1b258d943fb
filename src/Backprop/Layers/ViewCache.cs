using System.Numerics;

namespace Backprop.Layers;

/// <summary>Remembers the last reshaped view of an input so that feeding the same buffer again (the usual case
/// in a training loop) reuses the view object instead of allocating a new one.</summary>
internal sealed class ViewCache
{
    private Tensor? _source;
    private object? _buffer;
    private int _offset;
    private Shape _sourceShape;
    private Tensor? _view;

    public Tensor<T> View<T>(Tensor<T> source, Shape shape)
        where T : unmanaged, INumber<T>
    {
        if (_view is Tensor<T> view && ReferenceEquals(_buffer, source.Buffer) && _offset == source.Offset
            && _sourceShape == source.Shape && view.Shape == shape)
        {
            return view;
        }

        view = source.Reshape(shape);
        _source = source;
        _buffer = source.Buffer;
        _offset = source.Offset;
        _sourceShape = source.Shape;
        _view = view;
        return view;
    }

    /// <summary>The tensor the cached view was made from.</summary>
    public Tensor? Source => _source;
}
