using System.Diagnostics;
using System.Text.Json;
using Backprop.Serialization;

namespace Backprop.Tests.Serialization;

/// <summary>A weights file written by Backprop is read by an independent reader — scripts/read_safetensors.py,
/// which parses the header by hand and the data with numpy, and again with Python's array module — with the same
/// names, shapes and values, bit for bit. Debian's /usr/bin/python3 (with python3-numpy, as bench/peers installs
/// it) is preferred to whatever python3 the PATH has.</summary>
public sealed class PythonReaderTests
{
    [Theory]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, false)]
    [InlineData(DType.Float32, true)]
    public void The_python_reader_sees_the_same_values(DType dtype, bool withoutNumpy)
    {
        var model = dtype == DType.Float32 ? SaveLoadKit.DenseModel(dtype, 8) : SaveLoadKit.ConvModel(dtype, 8);
        string path = SaveLoadKit.TempPath("w.safetensors");
        try
        {
            model.SaveWeights(path);
            var info = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (withoutNumpy)
            {
                info.Environment["READ_SAFETENSORS_NO_NUMPY"] = "1";
            }

            info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "read_safetensors.py"));
            info.ArgumentList.Add(path);
            using var python = Process.Start(info)!;
            string json = python.StandardOutput.ReadToEnd();
            Assert.True(python.WaitForExit(60_000));
            Assert.True(python.ExitCode == 0, python.StandardError.ReadToEnd());

            using var document = JsonDocument.Parse(json);
            var tensors = document.RootElement.GetProperty("tensors");
            if (withoutNumpy)
            {
                Assert.Equal("array", document.RootElement.GetProperty("reader").GetString());
            }

            var (expected, _) = SafeTensors.ReadFile(path);
            Assert.Equal(expected.Keys, tensors.EnumerateObject().Select(p => p.Name));
            foreach (var (name, tensor) in expected.Entries)
            {
                var read = tensors.GetProperty(name);
                Assert.Equal(tensor.Shape.ToArray(), read.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
                var values = read.GetProperty("values").EnumerateArray().ToArray();
                Assert.Equal(tensor.Length, values.Length);
                for (int i = 0; i < values.Length; i++)
                {
                    double mine = tensor is Tensor<long> l ? l.AsSpan()[i] : tensor.GetDouble(i);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(mine), BitConverter.DoubleToInt64Bits(values[i].GetDouble()));
                }
            }

            Assert.True(expected.Entries.Sum(e => e.Value.Length) > 50);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Backprop.slnx not found above the test's folder.");
    }
}
