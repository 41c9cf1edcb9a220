using System.Text.RegularExpressions;
using Cdc.Core.Metering;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Hosting;

/// <summary>
/// Checks the app's settings when it starts (ValidateOnStart), so a misconfigured deployment fails at once with
/// messages that name the app setting to fix, instead of failing later inside a run. Pipeline files are loaded too:
/// they ship in the package and read only app settings, so what loads at start keeps loading until the next restart.
/// </summary>
public sealed partial class IngestOptionsValidation(IConfiguration configuration) : IValidateOptions<IngestOptions>
{
    private const string KeyVaultReferenceStart = "@Microsoft.KeyVault(";

    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckPipelines(options, failures);
        CheckStaging(options, failures);
        CheckUsageEvents(options, failures);
        CheckDefaultTags(options, failures);
        CheckKeyVaultReferences(failures);
        CheckMetering(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPipelines(IngestOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.PipelinesPath))
        {
            failures.Add($"{SettingNames.PipelinesPath} is not set: name the folder of pipeline YAML files in the deployed package, e.g. pipelines.");
            return;
        }
        var folder = options.PipelinesFolder;
        if (!Directory.Exists(folder))
        {
            failures.Add($"{SettingNames.PipelinesPath} is '{options.PipelinesPath}', but '{folder}' is not a folder. Put the pipeline files in src/Functions/pipelines (they are packaged there) or point the setting at their folder.");
            return;
        }
        try
        {
            // Startup only: nothing else runs yet, so waiting here blocks no request.
            new FolderPipelineCatalog(folder).ListAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (PipelineValidationException e)
        {
            failures.Add($"The pipeline files in {SettingNames.PipelinesPath} ('{folder}') are invalid:\n{e.Message}");
        }
    }

    // Every activity opens its run's metering: a bad price list or budgets file would fail every run.
    private void CheckMetering(IngestOptions options, List<string> failures)
    {
        MeteringSettings settings;
        try
        {
            settings = IngestServices.MeteringSettingsFrom(configuration, options);
        }
        catch (ArgumentException e)
        {
            failures.Add(e.Message);
            return;
        }
        try
        {
            PriceList.Load(settings.PriceListPath);
        }
        catch (PriceListException e)
        {
            failures.Add($"{MeteringEnvironment.PriceList}: {e.Message}");
        }
        if (settings.BudgetsPath is not { } budgets) return;
        try
        {
            BudgetsFile.Load(budgets);
        }
        catch (Exception e) when (e is PipelineValidationException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"{MeteringEnvironment.Budgets} names '{budgets}', which cannot be used:\n{e.Message}");
        }
    }

    private static void CheckStaging(IngestOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.StagingContainer))
            failures.Add($"{SettingNames.StagingContainer} is not set: name the blob container the pipelines stage into (its commit records start blob-arrival ingests), e.g. ingest-staging.");
        else if (!StagingLocation.IsValidContainerName(options.StagingContainer))
            failures.Add($"{SettingNames.StagingContainer} is '{options.StagingContainer}', which is not a blob container name: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.");

        if (!string.IsNullOrWhiteSpace(options.StagingAccountUrl)
            && (!Uri.TryCreate(options.StagingAccountUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
            failures.Add($"{SettingNames.StagingAccountUrl} is '{options.StagingAccountUrl}', which is not an http(s) URL such as https://<account>.blob.core.windows.net/.");
    }

    private void CheckUsageEvents(IngestOptions options, List<string> failures)
    {
        if (!options.PublishUsageEvents) return;
        if (string.IsNullOrWhiteSpace(options.UsageEventHub))
            failures.Add($"{SettingNames.UsageEventHub} is not set: name the Event Hub usage records and budget alerts go to, or set {SettingNames.PublishUsageEvents}=false to keep them out of Event Hubs.");
        if (string.IsNullOrWhiteSpace(configuration[SettingNames.Key(SettingNames.EventHubsNamespace)]) && string.IsNullOrWhiteSpace(configuration["EventHubs"]))
            failures.Add($"{SettingNames.EventHubsNamespace} is not set: the Event Hubs output (connection EventHubs) needs the namespace, <name>.servicebus.windows.net, or set {SettingNames.PublishUsageEvents}=false.");
    }

    private static void CheckDefaultTags(IngestOptions options, List<string> failures)
    {
        foreach (var (key, value) in options.DefaultTags)
        {
            if (!TagKey().IsMatch(key))
                failures.Add($"{SettingNames.DefaultTagPrefix}{key}: a tag key holds only letters, digits, '_' and '.'.");
            else if (string.IsNullOrWhiteSpace(value))
                failures.Add($"{SettingNames.DefaultTagPrefix}{key} is empty: give the tag a value or remove the setting.");
        }
    }

    // An app setting that still reads @Microsoft.KeyVault(...) is a reference the platform could not resolve: pipeline
    // files would otherwise connect with that text as the connection string.
    private void CheckKeyVaultReferences(List<string> failures)
    {
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && value.TrimStart().StartsWith(KeyVaultReferenceStart, StringComparison.OrdinalIgnoreCase))
                failures.Add($"{key.Replace(":", "__", StringComparison.Ordinal)} is a Key Vault reference that did not resolve: check that the secret exists and that the app's identity has Key Vault Secrets User on the vault (docs/deploy.md), then restart the app.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TagKey();
}
