using System.Data;
using System.Data.Common;
using System.Globalization;
using Cdc.Core.Sources.SqlServer;
using Microsoft.Data.SqlClient;
using Polly;

namespace Cdc.Core.Tests.Sources.SqlServer;

/// <summary>
/// Sessions that record, in order, what a read sends (opening, the SNAPSHOT transaction, each statement with its
/// parameters, commit, close) and answer each statement with a result set from <see cref="Answer"/>.
/// </summary>
internal sealed class RecordingSessions(Func<string, IReadOnlyList<SqlParameter>, DbDataReader>? answer = null) : ISourceSessions
{
    private readonly List<string> _log = [];

    /// <summary>Answers a statement; the default answers nothing, which fails the test with the statement's text.</summary>
    public Func<string, IReadOnlyList<SqlParameter>, DbDataReader> Answer { get; set; } =
        answer ?? ((sql, _) => throw new InvalidOperationException($"No answer for: {sql}"));

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log) return [.. _log];
        }
    }

    /// <summary>The statements sent, without their parameters.</summary>
    public IReadOnlyList<string> Statements => Log.Where(l => l.StartsWith("sql ", StringComparison.Ordinal)).Select(l => l[4..].Split(" | ")[0]).ToList();

    public ResiliencePipeline Retry => ResiliencePipeline.Empty;

    public string Database => "shop";

    public Task<ISourceSession> OpenAsync(int commandTimeoutSeconds, CancellationToken cancellationToken)
    {
        Add("open");
        return Task.FromResult<ISourceSession>(new Session(this));
    }

    private void Add(string line)
    {
        lock (_log) _log.Add(line);
    }

    private static string Show(IReadOnlyList<SqlParameter> parameters) =>
        parameters.Count == 0 ? "" : " | " + string.Join(", ", parameters.Select(p => $"{p.ParameterName}={Show(p.Value)}"));

    private static string Show(object? value) => value switch
    {
        null or DBNull => "NULL",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private sealed class Session(RecordingSessions owner) : ISourceSession
    {
        public Task BeginSnapshotAsync(CancellationToken cancellationToken)
        {
            owner.Add("begin snapshot");
            return Task.CompletedTask;
        }

        public async Task<object?[]?> RowAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken)
        {
            await using var reader = await ReaderAsync(sql, parameters, CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            return values;
        }

        public Task<DbDataReader> ReaderAsync(string sql, IReadOnlyList<SqlParameter> parameters, CommandBehavior behavior, CancellationToken cancellationToken)
        {
            owner.Add("sql " + sql + Show(parameters));
            return Task.FromResult(owner.Answer(sql, parameters));
        }

        public Task ExecuteAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken)
        {
            owner.Add("sql " + sql + Show(parameters));
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            owner.Add("commit");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            owner.Add("close");
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A clock whose timers fire at once, recording each wait asked for.</summary>
internal sealed class ImmediateTime : TimeProvider
{
    private readonly List<TimeSpan> _delays = [];

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_delays) return [.. _delays];
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_delays) _delays.Add(dueTime);
            // Not inline: Task.Delay has not finished setting up when the timer is created.
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
