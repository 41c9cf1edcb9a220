using System.Data.Common;
using Azure.Core;
using Azure.Identity;
using Cdc.Core.Pipeline;
using Microsoft.Data.SqlClient;
using Polly;
using Polly.Retry;

namespace Cdc.Core.SqlServer;

/// <summary>
/// Opens SQL Server connections the way Ingest wants them: encrypted unless the connection string says otherwise,
/// read-only application intent for sources, an Azure AD token when asked for, and retries with backoff on the
/// errors SQL Server and Azure SQL document as transient.
/// </summary>
public sealed class SqlConnectionFactory
{
    private static readonly string[] AzureSqlScopes = ["https://database.windows.net/.default"];

    private readonly string _connectionString;
    private readonly TokenCredential? _credential;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private AccessToken _token;

    /// <param name="readOnlyIntent">Sources read only: <c>ApplicationIntent=ReadOnly</c> lets an availability group route
    /// them to a readable secondary.</param>
    /// <param name="credential">For <see cref="SqlServerAuthentication.AzureAd"/>; null takes DefaultAzureCredential
    /// (with <paramref name="managedIdentityClientId"/> when given).</param>
    public SqlConnectionFactory(string connectionString, SqlServerAuthentication authentication, bool readOnlyIntent,
        string? managedIdentityClientId = null, TokenCredential? credential = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = Normalize(connectionString, readOnlyIntent, authentication);
        if (authentication == SqlServerAuthentication.AzureAd)
            _credential = credential ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });
        Retry = BuildRetry(time ?? TimeProvider.System);
    }

    /// <summary>Retries transient failures (see <see cref="SqlTransientErrors"/>) five times with exponential backoff
    /// and jitter, starting at one second.</summary>
    public ResiliencePipeline Retry { get; }

    /// <summary>The effective connection string, without any secret added (tokens travel separately).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The database the connection string names; messages use it.</summary>
    public string Database => new SqlConnectionStringBuilder(_connectionString).InitialCatalog;

    /// <summary>Opens a connection, once. Callers retry their whole unit of work through <see cref="Retry"/> (the open
    /// included), so a failure is not retried twice over.</summary>
    public async Task<SqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(_connectionString);
        try
        {
            if (_credential is not null) connection.AccessToken = await TokenAsync(cancellationToken);
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a connection, retrying transient failures: for work that is itself not retried as a whole.</summary>
    public Task<SqlConnection> OpenWithRetryAsync(CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(async ct => await OpenAsync(ct), cancellationToken).AsTask();

    /// <summary>
    /// Encryption is on unless the connection string sets it: Microsoft.Data.SqlClient 2.x defaults to off. A
    /// connection string that names no authentication keeps its own; one asking for a token must carry no credentials of its own.
    /// </summary>
    internal static string Normalize(string connectionString, bool readOnlyIntent, SqlServerAuthentication authentication)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The SQL Server connection string is not valid: {ex.Message}", nameof(connectionString), ex);
        }
        if (!given.ContainsKey("Encrypt")) builder.Encrypt = true;
        if (readOnlyIntent) builder.ApplicationIntent = ApplicationIntent.ReadOnly;
        // SqlClient refuses an access token beside a user id, a password, integrated security or an Authentication keyword.
        if (authentication == SqlServerAuthentication.AzureAd
            && (builder.IntegratedSecurity || !string.IsNullOrEmpty(builder.UserID) || !string.IsNullOrEmpty(builder.Password) || builder.Authentication != SqlAuthenticationMethod.NotSpecified))
            throw new ArgumentException("The SQL Server connection string carries a user id, password, integrated security or Authentication keyword, but authentication is azure_ad; remove one of them.", nameof(connectionString));
        return builder.ConnectionString;
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await _tokenGate.WaitAsync(cancellationToken);
        try
        {
            // Tokens last about an hour; a fresh one is fetched five minutes before the old one ends.
            if (_token.Token is null || _token.ExpiresOn - DateTimeOffset.UtcNow < TimeSpan.FromMinutes(5))
                _token = await _credential!.GetTokenAsync(new TokenRequestContext(AzureSqlScopes), cancellationToken);
            return _token.Token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private static ResiliencePipeline BuildRetry(TimeProvider time) => new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SqlException>(SqlTransientErrors.IsTransient).Handle<TimeoutException>(),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();
}
