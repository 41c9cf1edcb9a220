using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Tests.Infra;

/// <summary>
/// Checks that the deployment templates fit together the way a Bicep compiler and azd would require, since neither
/// runs here: parameters supplied or defaulted, module calls matching module parameters, role assignments named and
/// built from one list, and the azd files pointing at what exists.
/// </summary>
public sealed partial class BicepParameterTests
{
    private const string RoleAssignmentModule = "modules/role-assignment.bicep";
    private const string SubscriptionModule = "modules/blob-arrival-subscription.bicep";

    private static readonly BicepSource Main = BicepSource.Load(InfraFiles.MainTemplate);

    [Fact]
    public void Every_main_parameter_without_a_default_is_in_the_parameters_file()
    {
        var supplied = ParametersFileNames();
        var required = Main.Parameters().Where(p => p.IsRequired).Select(p => p.Name).ToList();

        required.Should().NotBeEmpty("main.bicep needs at least its environment name and location");
        required.Except(supplied).Should().BeEmpty("azd and az deployment need a value for every parameter without a default");
    }

    [Fact]
    public void The_parameters_file_supplies_only_parameters_main_declares()
    {
        var declared = Main.Parameters().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        ParametersFileNames().Where(name => !declared.Contains(name))
            .Should().BeEmpty("ARM rejects a parameters file naming a parameter the template does not declare");
    }

    [Fact]
    public void Every_module_call_passes_each_required_parameter_and_nothing_the_module_does_not_declare()
    {
        var problems = new List<string>();
        var calls = 0;
        foreach (var template in InfraFiles.AllTemplates())
        {
            foreach (var call in BicepSource.Load(template).Declarations("module"))
            {
                calls++;
                var where = $"{InfraFiles.Relative(template)}:{call.Line} module {call.Symbol}";
                var modulePath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(template)!, call.Target));
                if (!File.Exists(modulePath))
                {
                    problems.Add($"{where}: '{call.Target}' does not exist");
                    continue;
                }

                var declared = BicepSource.Load(modulePath).Parameters();
                var passedProperties = call.Body["params"]?.Object?.Properties ?? [];
                if (passedProperties.Any(p => p.Key == "..."))
                {
                    problems.Add($"{where}: spreads an object into params, which this check cannot follow");
                    continue;
                }

                var passed = passedProperties.Select(p => p.Key).ToList();
                problems.AddRange(declared.Where(p => p.IsRequired && !passed.Contains(p.Name))
                    .Select(p => $"{where}: does not pass required parameter '{p.Name}'"));
                problems.AddRange(passed.Where(name => declared.All(p => p.Name != name))
                    .Select(name => $"{where}: passes '{name}', which {call.Target} does not declare"));
                problems.AddRange(passed.GroupBy(name => name).Where(g => g.Count() > 1)
                    .Select(g => $"{where}: passes '{g.Key}' twice"));
            }
        }

        calls.Should().BeGreaterThan(5, "main.bicep composes the deployment from modules");
        problems.Should().BeEmpty();
    }

    [Fact]
    public void Every_module_file_is_called()
    {
        var called = InfraFiles.AllTemplates()
            .SelectMany(template => BicepSource.Load(template).Declarations("module")
                .Select(call => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(template)!, call.Target))))
            .ToHashSet(StringComparer.Ordinal);

        Directory.EnumerateFiles(Path.Combine(InfraFiles.Infra, "modules"), "*.bicep")
            .Select(Path.GetFullPath)
            .Where(module => !called.Contains(module))
            .Select(InfraFiles.Relative)
            .Should().BeEmpty("a module nothing calls is never deployed");
    }

    [Fact]
    public void Role_assignments_are_named_by_guid_of_their_scope_principal_and_role()
    {
        var assignments = InfraFiles.AllTemplates()
            .SelectMany(template => BicepSource.Load(template).Declarations("resource")
                .Where(r => r.Target.StartsWith("Microsoft.Authorization/roleAssignments@", StringComparison.Ordinal))
                .Select(r => (Template: InfraFiles.Relative(template), Resource: r)))
            .ToList();

        assignments.Should().NotBeEmpty();
        foreach (var (template, resource) in assignments)
        {
            var where = $"{template}:{resource.Line} {resource.Symbol}";
            var name = resource.Body["name"]?.Value ?? "";
            var scope = resource.Body["scope"]?.Value;
            var guid = GuidCall().Match(name);
            guid.Success.Should().BeTrue($"{where} is named '{name}', expected guid(scope, principal, role)");
            scope.Should().NotBeNull($"{where} must set its scope explicitly");
            guid.Groups["scope"].Value.Should().Be($"{scope}.id", $"{where}: the name's first part is its scope");
            guid.Groups["principal"].Value.Should().Be("principalId", where);
            guid.Groups["role"].Value.Should().Be("roleDefinitionId", where);
        }
    }

    [Fact]
    public void Role_assignments_come_from_one_list_looped_over_in_main()
    {
        InfraFiles.AllTemplates()
            .Where(template => BicepSource.Load(template).Declarations("resource")
                .Any(r => r.Target.StartsWith("Microsoft.Authorization/roleAssignments@", StringComparison.Ordinal)))
            .Select(InfraFiles.Relative)
            .Should().Equal(new[] { "infra/" + RoleAssignmentModule }, "every assignment goes through the one module");

        var calls = Main.Declarations("module").Where(m => m.Target == RoleAssignmentModule).ToList();
        calls.Should().ContainSingle("main.bicep calls the role assignment module once, in a loop");
        calls[0].IsLoop.Should().BeTrue();
        InfraFiles.AllTemplates().Where(t => t != InfraFiles.MainTemplate)
            .SelectMany(t => BicepSource.Load(t).Declarations("module"))
            .Should().NotContain(m => m.Target.EndsWith("role-assignment.bicep", StringComparison.Ordinal));
    }

    [Fact]
    public void Role_definition_ids_are_the_built_in_roles()
    {
        // Azure built-in roles reference (role-based-access-control/built-in-roles).
        var builtIn = new Dictionary<string, string>
        {
            ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            ["storageBlobDataContributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
            ["storageQueueDataContributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            ["storageTableDataContributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            ["eventHubsDataSender"] = "2b629674-e913-4c01-ae53-ef4638d8f975",
            ["keyVaultSecretsUser"] = "4633458b-17de-408a-b874-0445c86b69e6",
            ["keyVaultSecretsOfficer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
            ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        };

        Main.Variable("roles").Properties.ToDictionary(p => p.Key, p => p.Value.Trim('\''))
            .Should().Equal(builtIn);
    }

    [Theory]
    [InlineData("infra/scripts/postdeploy.sh")]
    [InlineData("infra/scripts/postdeploy.ps1")]
    public void The_postdeploy_hook_deploys_the_subscription_module_with_exactly_its_parameters(string script)
    {
        var text = File.ReadAllText(Path.Combine(InfraFiles.Root, script));
        TemplateFile().Match(text).Groups["path"].Value.Should().Be("./infra/" + SubscriptionModule);

        var parametersStart = text.IndexOf("--parameters", StringComparison.Ordinal);
        var parametersEnd = text.IndexOf("--output", parametersStart, StringComparison.Ordinal);
        parametersStart.Should().BePositive();
        var passed = HookParameter().Matches(text[parametersStart..parametersEnd]).Select(m => m.Groups["name"].Value).ToList();

        var declared = BicepSource.Load(Path.Combine(InfraFiles.Infra, SubscriptionModule)).Parameters();
        passed.Should().OnlyHaveUniqueItems();
        passed.Should().BeSubsetOf(declared.Select(p => p.Name));
        passed.Should().Contain(declared.Where(p => p.IsRequired).Select(p => p.Name));
    }

    [Theory]
    [InlineData("infra/scripts/postdeploy.sh")]
    [InlineData("infra/scripts/postdeploy.ps1")]
    public void The_postdeploy_hook_reads_only_values_main_outputs_or_azd_sets(string script)
    {
        var text = File.ReadAllText(Path.Combine(InfraFiles.Root, script));
        var references = script.EndsWith(".ps1", StringComparison.Ordinal) ? PowerShellEnvironmentReference() : ShellVariableReference();
        var read = references.Matches(text).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var available = Main.Outputs().Append("AZURE_SUBSCRIPTION_ID").ToList();

        read.Should().NotBeEmpty();
        read.Should().BeSubsetOf(available, "azd hands the hook its environment: main.bicep's outputs and its own values");
    }

    [Fact]
    public void Azure_yaml_deploys_the_tagged_function_app_and_its_hooks_exist()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(InfraFiles.AzureYaml)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        var services = (YamlMappingNode)root["services"];
        var service = services.Children.Should().ContainSingle().Subject;
        var tag = ServiceTag().Match(File.ReadAllText(InfraFiles.MainTemplate));
        tag.Success.Should().BeTrue("main.bicep tags the Functions app with azd-service-name");
        ((YamlScalarNode)service.Key).Value.Should().Be(tag.Groups["name"].Value, "azd finds the app to deploy by that tag");
        ((YamlScalarNode)((YamlMappingNode)service.Value)["host"]).Value.Should().Be("function");

        var scripts = ((YamlMappingNode)root["hooks"]).Children.Values
            .SelectMany(hook => ((YamlMappingNode)hook).Children.Values)
            .Select(platform => ((YamlScalarNode)((YamlMappingNode)platform)["run"]).Value!)
            .ToList();
        scripts.Should().HaveCount(4, "pre-provision and post-deploy hooks for POSIX and Windows");
        scripts.Where(run => !File.Exists(Path.Combine(InfraFiles.Root, run))).Should().BeEmpty();
    }

    private static List<string> ParametersFileNames()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(InfraFiles.MainParameters));
        return document.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
    }

    [GeneratedRegex(@"^guid\((?<scope>[^,()]+(?:\([^()]*\))?[^,()]*),\s*(?<principal>[^,]+),\s*(?<role>[^,()]+)\)$")]
    private static partial Regex GuidCall();

    [GeneratedRegex(@"--template-file\s+(?<path>\S+)")]
    private static partial Regex TemplateFile();

    [GeneratedRegex(@"(?<![\w$:-])(?<name>[A-Za-z][A-Za-z0-9]*)=")]
    private static partial Regex HookParameter();

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ShellVariableReference();

    [GeneratedRegex(@"\$env:(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex PowerShellEnvironmentReference();

    [GeneratedRegex(@"'azd-service-name':\s*'(?<name>[^']+)'")]
    private static partial Regex ServiceTag();
}
