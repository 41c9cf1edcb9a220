using System.Diagnostics;
using Npgsql;

namespace Cdc.Core.Local;

/// <summary>
/// A throwaway PostgreSQL cluster on a loopback port with logical replication enabled, for the demo, tests and
/// benchmarks. It lives in a temporary folder, is polled until it accepts connections, and is stopped and deleted on
/// dispose. As root (CI containers) it runs the server as the 'postgres' user, since PostgreSQL refuses root.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private readonly string _binaries;
    private readonly string _root;
    private readonly string? _runAs;
    private Process? _server;

    private LocalPostgres(string binaries, string root, int port, string? runAs)
    {
        _binaries = binaries;
        _root = root;
        Port = port;
        _runAs = runAs;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Connection string for the given database as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true, Timeout = 15 }.ConnectionString;

    public static async Task<LocalPostgres> StartAsync(IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Locate();
        var root = Directory.CreateTempSubdirectory("ingest-pg-").FullName;
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null) await ProcessRunner.RunAsync("chown", ["-R", runAs, root], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var instance = new LocalPostgres(binaries, root, ProcessRunner.FreeLoopbackPort(), runAs);
        try
        {
            await instance.InitAsync(settings, cancellationToken).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return ConnectionString(name);
    }

    private async Task InitAsync(IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        await RunAsPostgresAsync(Path.Combine(_binaries, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken).ConfigureAwait(false);
        var configuration = new Dictionary<string, string>
        {
            ["listen_addresses"] = "127.0.0.1",
            ["port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["unix_socket_directories"] = _root,
            ["wal_level"] = "logical",
            ["max_replication_slots"] = "32",
            ["max_wal_senders"] = "32",
            ["max_connections"] = "200",
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
            ["shared_buffers"] = "256MB",
            ["max_wal_size"] = "4GB",
            ["logging_collector"] = "off",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) configuration[key] = value;
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"),
            configuration.Select(pair => $"{pair.Key} = '{pair.Value}'"), cancellationToken).ConfigureAwait(false);

        var start = new ProcessStartInfo(_runAs is null ? Path.Combine(_binaries, "postgres") : "runuser")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_runAs is not null)
        {
            foreach (var argument in new[] { "-u", _runAs, "--", Path.Combine(_binaries, "postgres") }) start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("-D");
        start.ArgumentList.Add(DataDirectory);
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start postgres.");
        var log = new System.Text.StringBuilder();
        _server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        _server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_server.HasExited)
                throw new InvalidOperationException($"PostgreSQL exited during start-up (code {_server.ExitCode}): {log}");
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task<string> RunAsPostgresAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        _runAs is null
            ? ProcessRunner.RunAsync(program, arguments, TimeSpan.FromMinutes(2), cancellationToken)
            : ProcessRunner.RunAsync("runuser", new[] { "-u", _runAs, "--", program }.Concat(arguments), TimeSpan.FromMinutes(2), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is { HasExited: false })
        {
            try
            {
                await RunAsPostgresAsync(Path.Combine(_binaries, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Fall through to killing the process below.
            }
            if (!_server.WaitForExit(10_000)) _server.Kill(entireProcessTree: true);
        }
        _server?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a dispose over it.
        }
    }
}
