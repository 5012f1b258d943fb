using System.CommandLine;
using Backprop.Models;
using Backprop.Onnx;
using Backprop.Serialization;

namespace Backprop.Cli;

/// <summary><c>backprop export &lt;model&gt; [&lt;onnx&gt;]</c>: reads a model file written by <c>model.Save</c>
/// (<see cref="ModelSaving"/>'s zip: config and weights) and writes it as ONNX through <see cref="OnnxExport"/> —
/// the command-line form of <c>Sequential.Load(path).ExportOnnx(onnx)</c>. A missing model file is a usage error (exit
/// code 2); a malformed one (<see cref="ModelFormatException"/>, naming the file and where) or a layer ONNX cannot
/// express (<see cref="UnsupportedLayerException"/>, naming the layer) fails the export (exit code 1) and writes
/// nothing.</summary>
public static class ExportCommand
{
    /// <summary>The name of the model-file argument.</summary>
    public const string ModelArgument = "model";

    /// <summary>What the command says when the model file is not named.</summary>
    public const string MissingModel = "which model? Name a model file saved with model.Save, e.g. 'backprop export model.keras model.onnx'.";

    /// <summary>The <c>export</c> command.</summary>
    /// <param name="output">Where the one-line summary goes.</param>
    /// <param name="error">Where errors go.</param>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Argument<string>(ModelArgument)
        {
            Description = "A model file written by model.Save (Sequential.Load reads it).",
        };
        var onnx = new Argument<string?>("onnx")
        {
            Description = "The ONNX file to write (default: the model file's name with .onnx). An existing file is replaced.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var inputName = new Option<string>("--input-name")
        {
            Description = "The name of the graph's input.",
            DefaultValueFactory = _ => "input",
            HelpName = "name",
        };
        var outputName = new Option<string>("--output-name")
        {
            Description = "The name of the graph's output.",
            DefaultValueFactory = _ => "output",
            HelpName = "name",
        };
        var verbose = new Option<bool>("--verbose")
        {
            Description = "Show the stack trace of an error.",
        };

        var command = new Command("export", "Export a saved model (model.Save's file) to ONNX: opset 17, float32, a dynamic batch axis.");
        command.Arguments.Add(model);
        command.Arguments.Add(onnx);
        command.Options.Add(inputName);
        command.Options.Add(outputName);
        command.Options.Add(verbose);
        command.SetAction(parse => Export(
            parse.GetValue(model)!, parse.GetValue(onnx), parse.GetValue(inputName)!, parse.GetValue(outputName)!, parse.GetValue(verbose), output, error));
        return command;
    }

    /// <summary>Exports <paramref name="modelPath"/> to <paramref name="onnxPath"/> (default: beside it, with .onnx);
    /// returns the exit code.</summary>
    internal static int Export(string modelPath, string? onnxPath, string inputName, string outputName, bool verbose, TextWriter output, TextWriter error)
    {
        if (Directory.Exists(modelPath))
        {
            error.WriteLine($"backprop: model file '{modelPath}' is a folder; name the file model.Save wrote.");
            return BackpropCommand.UsageError;
        }

        if (!File.Exists(modelPath))
        {
            error.WriteLine($"backprop: model file '{modelPath}' does not exist.");
            return BackpropCommand.UsageError;
        }

        string target = onnxPath ?? Path.ChangeExtension(modelPath, ".onnx");
        if (string.Equals(Path.GetFullPath(target), Path.GetFullPath(modelPath), StringComparison.Ordinal))
        {
            error.WriteLine($"backprop: the ONNX file '{target}' would replace the model file; name another one.");
            return BackpropCommand.UsageError;
        }

        if (Directory.Exists(target))
        {
            error.WriteLine($"backprop: the ONNX file '{target}' is a folder; name a file.");
            return BackpropCommand.UsageError;
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(target));
        if (folder is not null && !Directory.Exists(folder))
        {
            error.WriteLine($"backprop: the folder of the ONNX file '{target}' does not exist.");
            return BackpropCommand.UsageError;
        }

        Sequential model;
        try
        {
            // compile: false — the optimiser, loss and metrics play no part in inference, so a model saved with a
            // custom optimiser still exports.
            model = Sequential.Load(modelPath, compile: false);
        }
        catch (ModelFormatException e)
        {
            return BackpropCommand.Fail(error, $"cannot read the model: {e.Message}", e, verbose, BackpropCommand.LabFailed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return BackpropCommand.Fail(error, $"cannot read the model file '{modelPath}': {e.Message}", e, verbose, BackpropCommand.LabFailed);
        }

        try
        {
            model.ExportOnnx(target, inputName, outputName);
        }
        catch (UnsupportedLayerException e)
        {
            return BackpropCommand.Fail(error, $"cannot export '{modelPath}' to ONNX: {e.Message}", e, verbose, BackpropCommand.LabFailed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            return BackpropCommand.Fail(error, $"cannot export '{modelPath}' to '{target}': {e.Message}", e, verbose, BackpropCommand.LabFailed);
        }

        var layers = model.Layers;
        output.WriteLine($"{target}: ONNX opset {OnnxExport.Opset}, {layers.Count} layers, input '{inputName}' {Shape(model.InputShape)}, output '{outputName}', {new FileInfo(target).Length:N0} bytes");
        return BackpropCommand.Success;
    }

    private static string Shape(Shape? sample) =>
        sample is not Shape s ? "" : $"(batch, {string.Join(", ", Enumerable.Range(0, s.Rank).Select(axis => s[axis]))})";
}
