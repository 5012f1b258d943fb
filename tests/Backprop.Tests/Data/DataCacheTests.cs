using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Backprop.Data;
using Backprop.Data.Datasets;

namespace Backprop.Tests.Data;

/// <summary>The download path against a loopback HTTP server (never the network).</summary>
public sealed class DataCacheTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _payload;
    private readonly string _baseUrl;
    private readonly Task _serving;
    private int _requests;

    public DataCacheTests()
    {
        _payload = new byte[300_000];
        new System.Random(9).NextBytes(_payload);
        int port = FreePort();
        _baseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_baseUrl);
        _listener.Start();
        _serving = Task.Run(Serve);
    }

    private string Digest => Convert.ToHexStringLower(SHA256.HashData(_payload));

    [Fact]
    public void A_good_file_is_downloaded_checked_moved_into_place_and_then_reused()
    {
        string folder = DataTestFiles.ScratchFolder();
        var reports = new List<DownloadProgress>();
        using var client = new HttpClient();
        var cache = new DataCache(folder, client, new SynchronousProgress(reports));
        var file = new RemoteFile("sets/good.bin", new Uri(_baseUrl + "good"), Digest);

        string path = cache.GetFile(file);

        Assert.Equal(Path.Combine(folder, "sets", "good.bin"), path);
        Assert.Equal(_payload, File.ReadAllBytes(path));
        Assert.Equal(_payload.Length, reports[^1].BytesReceived);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "sets")));
        Assert.Equal(path, cache.GetFile(file));
        Assert.Equal(1, _requests);
    }

    [Theory]
    [InlineData("good", "0000000000000000000000000000000000000000000000000000000000000000", "published digest")]
    [InlineData("truncated", null, "bytes")]
    [InlineData("error", null, "500")]
    public void Failed_downloads_throw_DataDownloadException_and_leave_nothing_behind(string route, string? digest, string reason)
    {
        string folder = DataTestFiles.ScratchFolder();
        using var client = new HttpClient();
        var cache = new DataCache(folder, client);
        var file = new RemoteFile($"{route}.bin", new Uri(_baseUrl + route), digest ?? Digest);

        var e = Assert.Throws<DataDownloadException>(() => cache.GetFile(file));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Folder_comes_from_the_argument_then_BACKPROP_DATA_then_home()
    {
        Assert.Equal(Path.GetFullPath("/tmp/x"), new DataCache("/tmp/x").Folder);
        string? env = Environment.GetEnvironmentVariable(DataCache.EnvironmentVariable);
        string expected = string.IsNullOrWhiteSpace(env)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".backprop", "datasets")
            : env;
        Assert.Equal(expected, DataCache.DefaultFolder());
        Assert.Throws<ArgumentException>(() => new DataCache("/tmp/x").PathOf("../escape"));
    }

    [Fact]
    public void Published_locations_are_the_canonical_ones()
    {
        Assert.Equal("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz", Mnist.KerasFile.Url.ToString());
        Assert.Equal("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", Cifar10.Archive.Url.ToString());
        Assert.All(FashionMnist.Files, f => Assert.StartsWith("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", f.Url.ToString(), StringComparison.Ordinal));
        string? shared = DataTestFiles.SharedData();
        if (shared is not null)
        {
            foreach (var f in FashionMnist.Files)
            {
                using var stream = File.OpenRead(Path.Combine(shared, f.RelativePath));
                Assert.Equal(f.Sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            var response = context.Response;
            try
            {
                switch (context.Request.Url!.AbsolutePath)
                {
                    case "/good":
                        response.ContentLength64 = _payload.Length;
                        await response.OutputStream.WriteAsync(_payload);
                        response.Close();
                        break;
                    case "/truncated":
                        response.ContentLength64 = _payload.Length;
                        await response.OutputStream.WriteAsync(_payload.AsMemory(0, _payload.Length / 2));
                        await response.OutputStream.FlushAsync();
                        response.Abort();
                        break;
                    default:
                        response.StatusCode = 500;
                        response.Close();
                        break;
                }
            }
            catch (HttpListenerException)
            {
                response.Abort();
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private sealed class SynchronousProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => reports.Add(value);
    }
}
