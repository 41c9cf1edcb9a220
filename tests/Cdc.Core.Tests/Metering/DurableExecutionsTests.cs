using Cdc.Core.Metering;

namespace Cdc.Core.Tests.Metering;

public sealed class DurableExecutionsTests
{
    [Fact]
    public void A_run_outside_durable_functions_counts_its_configured_executions()
    {
        RunUsageBuilder.Executions(7, new MeteringSettings()).Should().Be(1);
        RunUsageBuilder.Executions(7, new MeteringSettings { ExecutionsPerRun = 2 }).Should().Be(2);
    }

    [Fact]
    public void Under_durable_functions_each_activity_and_each_orchestrator_episode_counts()
    {
        // Plan, two snapshots, capture and two ingests were metered (six); finish, publish and notify follow: nine
        // activities, and the orchestrator ran at the start and after each of them.
        RunUsageBuilder.Executions(6, new MeteringSettings { CountsDurableExecutions = true }).Should().Be(9 + 9 + 1);
    }
}
