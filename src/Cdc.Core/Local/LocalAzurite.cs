using System.Diagnostics;
using System.Net.Sockets;

namespace Cdc.Core.Local;

/// <summary>
/// Azurite's blob service on a loopback port, in memory, started from the repo's node_modules (eng/bootstrap.sh
/// installs it) and stopped by its pid on dispose.
/// </summary>
public sealed class LocalAzurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string AccountName = "devstoreaccount1";

    private readonly Process _process;

    private readonly string _workspace;

    private LocalAzurite(Process process, int port, string workspace)
    {
        _process = process;
        Port = port;
        _workspace = workspace;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};";

    public static async Task<LocalAzurite> StartAsync(CancellationToken cancellationToken = default)
    {
        var script = LocateScript();
        var port = ProcessRunner.FreeLoopbackPort();
        var workspace = Directory.CreateTempSubdirectory("ingest-azurite-").FullName;
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workspace };
        foreach (var argument in new[] { script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--inMemoryPersistence", "--disableTelemetry", "--silent", "--skipApiVersionCheck" })
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited during start-up with code {process.ExitCode}.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return new LocalAzurite(process, port, workspace);
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string LocateScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", "azurite", "dist", "src", "blob", "main.js");
            if (File.Exists(candidate)) return candidate;
        }
        var fromCwd = Path.Combine(Directory.GetCurrentDirectory(), "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (File.Exists(fromCwd)) return fromCwd;
        throw new InvalidOperationException("Azurite is not installed: run eng/bootstrap.sh (npm install) in the repository root.");
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_workspace, recursive: true);
        }
        catch (IOException)
        {
            // Azurite's working folder holds nothing that matters once it has stopped.
        }
        return ValueTask.CompletedTask;
    }
}
