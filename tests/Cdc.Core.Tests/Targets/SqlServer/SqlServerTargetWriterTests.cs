using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Cdc.Core.Targets.SqlServer;
using Microsoft.Extensions.Logging.Abstractions;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class SqlServerTargetWriterTests
{
    [Fact]
    public void A_read_only_connection_factory_is_refused()
    {
        var readOnly = new SqlConnectionFactory("Server=127.0.0.1,1;Database=x;User ID=u;Password=p", SqlServerAuthentication.ConnectionString, readOnlyIntent: true);

        var act = () => new SqlServerTargetWriter(readOnly);

        act.Should().Throw<ArgumentException>().WithMessage("*read-only application intent*");
    }

    [Fact]
    public async Task Refuses_a_snapshot_chunk_as_a_change_batch_before_connecting()
    {
        var schema = Simple();

        var act = () => new SqlChangeApply(new SqlConnectionFactory("Server=127.0.0.1,1;Database=x;User ID=u;Password=p", SqlServerAuthentication.ConnectionString, readOnlyIntent: false),
            NullLogger.Instance).RunAsync(Flow(schema), Chunk(schema, 1, true), Rows([]), CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*snapshot chunks are loaded with LoadSnapshotAsync*");
    }
}
