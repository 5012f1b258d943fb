using System.Runtime.CompilerServices;
using Backprop.Models;

namespace Backprop.Training;

/// <summary>The guard that refuses to use one model from two threads at once. A model is not thread-safe (its
/// layers keep each pass's buffers), so Fit, Evaluate, Predict, TrainOnBatch and the like enter it first: a call
/// while another thread is inside one of them throws <see cref="InvalidOperationException"/> instead of mixing the
/// two silently. The same thread may enter again (a callback that predicts during Fit). Separate models on separate
/// threads never meet here.</summary>
internal static class ModelUse
{
    private static readonly ConditionalWeakTable<Sequential, Owner> s_owners = new();

    /// <summary>Enters <paramref name="model"/> for <paramref name="operation"/>; dispose the scope to leave.</summary>
    public static Scope Enter(Sequential model, string operation) => Enter(OwnerOf(model), model, operation);

    /// <summary>As <see cref="Enter(Sequential, string)"/> with the model's owner already looked up.</summary>
    public static Scope Enter(Owner owner, Sequential model, string operation)
    {
        int me = Environment.CurrentManagedThreadId;
        int holder = Interlocked.CompareExchange(ref owner.Thread, me, 0);
        if (holder != 0 && holder != me)
        {
            throw new InvalidOperationException(
                $"Model '{model.Name}' is in use on another thread, so {operation} cannot run now: a model is not thread-safe. Give each thread its own model, or wait for the other call to return.");
        }

        owner.Depth++;
        return new Scope(owner);
    }

    public static Owner OwnerOf(Sequential model) => s_owners.GetValue(model, static _ => new Owner());

    /// <summary>Which thread is inside the model, and how deep.</summary>
    internal sealed class Owner
    {
        public int Thread;
        public int Depth;
    }

    internal readonly struct Scope(Owner owner) : IDisposable
    {
        public void Dispose()
        {
            if (--owner.Depth == 0)
            {
                Volatile.Write(ref owner.Thread, 0);
            }
        }
    }
}
