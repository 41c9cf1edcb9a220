namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads the SQL Server connection settings shared by <c>source</c> and <c>destination</c>.</summary>
internal static class SqlServerSettings
{
    public static SqlServerAuthentication ReadAuthentication(YamlMap map, bool isSqlServer, out string? managedIdentityClientId)
    {
        var authentication = map.Enum("authentication", PipelineKeys.Authentications);
        managedIdentityClientId = map.String("managed_identity_client_id");
        if (!isSqlServer)
        {
            if (map.Has("authentication")) map.KeyError("authentication", "applies only to sqlserver; PostgreSQL takes its credentials from the connection string");
            if (map.Has("managed_identity_client_id")) map.KeyError("managed_identity_client_id", "applies only to sqlserver with authentication azure_ad");
            return SqlServerAuthentication.ConnectionString;
        }
        if (managedIdentityClientId is not null && authentication != SqlServerAuthentication.AzureAd)
        {
            map.KeyError("managed_identity_client_id", "applies only with authentication: azure_ad");
        }
        return authentication ?? SqlServerAuthentication.ConnectionString;
    }
}
