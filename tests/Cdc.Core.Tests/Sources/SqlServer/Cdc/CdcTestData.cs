using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>Capture instances and schemas for tests without a server.</summary>
internal static class CdcTestData
{
    public static readonly TableId Orders = new("dbo", "orders");

    public static SqlLsn Lsn(long value)
    {
        var bytes = new byte[10];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(2), value);
        return SqlLsn.FromBytes(bytes);
    }

    public static CdcCapturedColumn Column(string name, int ordinal, string type = "int", int maxLength = 4, int precision = 10, int scale = 0, bool computed = false) =>
        new(name, ordinal, computed, type, maxLength, precision, scale, Nullable: true);

    public static CdcCaptureInstance Instance(string name, long? start, int createdMinute, params CdcCapturedColumn[] columns) =>
        new(name, start is { } s ? Lsn(s) : null, new DateTime(2025, 1, 1, 12, createdMinute, 0), SupportsNetChanges: true, RoleName: null,
            IndexName: "PK_orders", FilegroupName: null, AllowPartitionSwitch: true, columns);

    public static CdcInstanceState Reported(CdcCaptureInstance instance, long? min = null) =>
        new(instance, min is { } m ? Lsn(m) : instance.StartLsn);

    /// <summary>dbo.orders as discovered: id int key, note nvarchar(50), amount decimal(18,2).</summary>
    public static TableSchema Discovered(params string[] extra) => new(
        Orders,
        [
            SqlServerTypeMapping.Map("id", "int", 4, 10, 0, false),
            SqlServerTypeMapping.Map("note", "nvarchar", 100, 0, 0, true),
            SqlServerTypeMapping.Map("amount", "decimal", 9, 18, 2, true),
            .. extra.Select(e => SqlServerTypeMapping.Map(e, "int", 4, 10, 0, true)),
        ],
        ["id"]);

    public static CdcCapturedColumn[] OrdersColumns(params string[] extra) =>
    [
        Column("id", 1), Column("note", 2, "nvarchar", 100, 0, 0), Column("amount", 3, "decimal", 9, 18, 2),
        .. extra.Select((e, i) => Column(e, 4 + i)),
    ];

    public static CdcTableInfo Info(IReadOnlyList<CdcCaptureInstance> instances, params string[] sourceColumns) =>
        new(Orders, instances, sourceColumns.Select(c => new CdcSourceColumn(c, false)).ToList());
}
