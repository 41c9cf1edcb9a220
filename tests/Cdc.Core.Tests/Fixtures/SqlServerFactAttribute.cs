namespace Cdc.Core.Tests.Fixtures;

/// <summary>
/// A test that needs a real SQL Server. It runs when <c>INGEST_TEST_SQLSERVER</c> holds a connection string (a login
/// allowed to create databases, enable change tracking and CDC) and is reported as skipped, with the reason, otherwise.
/// </summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public SqlServerFactAttribute()
    {
        if (SqlServerFixture.ConnectionString is null)
            Skip = $"{SqlServerFixture.Variable} is not set: this test needs a SQL Server (see docs/sql-server.md, Testing).";
    }
}

/// <summary>The <see cref="TheoryAttribute"/> twin of <see cref="SqlServerFactAttribute"/>.</summary>
public sealed class SqlServerTheoryAttribute : TheoryAttribute
{
    public SqlServerTheoryAttribute()
    {
        if (SqlServerFixture.ConnectionString is null)
            Skip = $"{SqlServerFixture.Variable} is not set: this test needs a SQL Server (see docs/sql-server.md, Testing).";
    }
}
