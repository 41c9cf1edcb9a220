using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlConnectionFactoryTests
{
    [Theory]
    [InlineData("Server=s;Database=d;User ID=ingest")]
    [InlineData("Server=s;Database=d;Password=secret")]
    [InlineData("Server=s;Database=d;Integrated Security=true")]
    [InlineData("Server=s;Database=d;Authentication=Active Directory Managed Identity")]
    public void A_token_connection_string_with_credentials_of_its_own_is_refused_up_front(string connectionString)
    {
        // SqlClient would refuse the access token only when the connection opens, with InvalidOperationException.
        FluentActions.Invoking(() => SqlConnectionFactory.Normalize(connectionString, readOnlyIntent: true, SqlServerAuthentication.AzureAd))
            .Should().Throw<ArgumentException>().WithMessage("*authentication is azure_ad*");
    }

    [Fact]
    public void A_plain_token_connection_string_is_encrypted_and_read_only()
    {
        var builder = new SqlConnectionStringBuilder(SqlConnectionFactory.Normalize("Server=s;Database=d", readOnlyIntent: true, SqlServerAuthentication.AzureAd));

        builder.Encrypt.Should().BeTrue();
        builder.ApplicationIntent.Should().Be(ApplicationIntent.ReadOnly);
        SqlConnectionFactory.Normalize("Server=s;Database=d;User ID=u;Password=p", readOnlyIntent: false, SqlServerAuthentication.ConnectionString)
            .Should().Contain("User ID=u");
    }
}
