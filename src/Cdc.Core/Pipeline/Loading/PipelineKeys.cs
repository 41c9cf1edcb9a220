using System.Text.Json;
using Cdc.Core.Pipeline.Schema;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>The keys and enum words the loader accepts, taken from the schema model so the two cannot drift.</summary>
internal static class PipelineKeys
{
    public static readonly IReadOnlyList<string> Root = PipelineJsonSchema.KeysOf<PipelineFile>();
    public static readonly IReadOnlyList<string> Source = PipelineJsonSchema.KeysOf<SourceSection>();
    public static readonly IReadOnlyList<string> Object = PipelineJsonSchema.KeysOf<ObjectEntry>();
    public static readonly IReadOnlyList<string> Staging = PipelineJsonSchema.KeysOf<StagingSection>();
    public static readonly IReadOnlyList<string> Destination = PipelineJsonSchema.KeysOf<DestinationSection>();
    public static readonly IReadOnlyList<string> Budget = PipelineJsonSchema.KeysOf<BudgetSection>();
    public static readonly IReadOnlyList<string> Run = PipelineJsonSchema.KeysOf<RunSection>();

    public static readonly IReadOnlyDictionary<string, SourceKind> SourceKinds = WordsFor<SourceKind, SourceKindName>();
    public static readonly IReadOnlyDictionary<string, DestinationKind> DestinationKinds = WordsFor<DestinationKind, DestinationKindName>();
    public static readonly IReadOnlyDictionary<string, CaptureMode> CaptureModes = WordsFor<CaptureMode, CaptureModeName>();
    public static readonly IReadOnlyDictionary<string, RetentionGapPolicy> RetentionGapPolicies = WordsFor<RetentionGapPolicy, RetentionGapPolicyName>();
    public static readonly IReadOnlyDictionary<string, SqlServerAuthentication> Authentications = WordsFor<SqlServerAuthentication, SqlServerAuthenticationName>();
    public static readonly IReadOnlyDictionary<string, BudgetPeriodName> BudgetPeriods = WordsFor<BudgetPeriodName, BudgetPeriodName>();

    // Each definition enum value is spelled the way the schema model's namesake serializes (SqlServer -> "sqlserver").
    private static Dictionary<string, TModel> WordsFor<TModel, TFile>()
        where TModel : struct, Enum
        where TFile : struct, Enum
    {
        var words = new Dictionary<string, TModel>(StringComparer.Ordinal);
        foreach (var value in Enum.GetValues<TModel>())
        {
            var fileValue = Enum.Parse<TFile>(value.ToString());
            words[JsonSerializer.Serialize(fileValue, PipelineJsonSchema.SerializerOptions).Trim('"')] = value;
        }

        return words;
    }
}
