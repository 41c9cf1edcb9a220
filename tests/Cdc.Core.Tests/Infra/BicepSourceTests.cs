namespace Cdc.Core.Tests.Infra;

/// <summary>The Bicep reading the template checks rely on, on small inputs with the constructs that could fool it.</summary>
public sealed class BicepSourceTests
{
    [Fact]
    public void Parameters_are_required_unless_they_have_a_default_or_a_nullable_type()
    {
        var source = new BicepSource("""
            @description('param fake string = not a declaration')
            param name string
            param count int = 3
            param items array = [
              'a=b'
            ]
            param maybe string?
            // param commented string
            param label string // has '=' only in a comment = here
            """, "params.bicep");

        source.Parameters().Select(p => (p.Name, p.IsRequired)).Should().Equal(
            ("name", true), ("count", false), ("items", false), ("maybe", false), ("label", true));
    }

    [Fact]
    public void Module_params_are_read_through_strings_interpolations_comments_and_nested_values()
    {
        var source = new BicepSource("""
            module app 'modules/app.bicep' = if (enabled) {
              name: 'app-${suffix}'
              params: {
                first: 'a { b } c: d'  // trailing } comment
                second: union(tags, {
                  'azd-service-name': 'x'
                })
                'quoted': '${'nested ${deep}'}'
                third: [
                  1
                  2
                ]
              }
              dependsOn: [
                other
              ]
            }
            """, "main.bicep");

        var module = source.Declarations("module").Should().ContainSingle().Subject;
        module.Symbol.Should().Be("app");
        module.Target.Should().Be("modules/app.bicep");
        module.IsConditional.Should().BeTrue();
        module.IsLoop.Should().BeFalse();
        module.Body["params"]!.Object!.Properties.Select(p => p.Key).Should().Equal("first", "second", "quoted", "third");
        module.Body["name"]!.Value.Should().Be("'app-${suffix}'");
    }

    [Fact]
    public void Loops_single_line_objects_and_nested_resources_are_understood()
    {
        var source = new BicepSource("""
            resource site 'Microsoft.Web/sites@2024-04-01' = {
              name: 'app'
              properties: { a: 1, b: 'x,y' }
              resource settings 'config' = {
                name: 'appsettings'
              }
            }
            module roles 'modules/role.bicep' = [for (item, i) in list: {
              name: 'role-${i}'
              params: {
                id: item.id
              }
            }]
            """, "main.bicep");

        var resources = source.Declarations("resource");
        resources.Select(r => r.Symbol).Should().Equal("site", "settings");
        resources[0].Body.Properties.Select(p => p.Key).Should().Equal("name", "properties");
        resources[0].Body["properties"]!.Object!.Properties.Select(p => p.Key).Should().Equal("a", "b");
        var loop = source.Declarations("module").Should().ContainSingle().Subject;
        loop.IsLoop.Should().BeTrue();
        loop.Body["params"]!.Object!.Properties.Select(p => p.Key).Should().Equal("id");
    }

    [Fact]
    public void Outputs_and_object_variables_are_read()
    {
        var source = new BicepSource("""
            var roles = {
              reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
            }
            output NAME string = 'x'
            output url string = 'https://${host}'
            """, "main.bicep");

        source.Outputs().Should().Equal("NAME", "url");
        source.Variable("roles")["reader"]!.Value.Should().Be("'acdd72a7-3385-48ef-bd42-f606fba81ae7'");
    }

    [Theory]
    [InlineData("var a = 'unterminated\n", "params.bicep:1: unterminated string")]
    [InlineData("var a = 1\n/* open comment\n", "params.bicep:2: unterminated comment")]
    [InlineData("var a = 'x ${b\n", "params.bicep:1: unterminated string")]
    public void Malformed_text_is_reported_with_its_line(string text, string message)
    {
        var read = () => new BicepSource(text, "params.bicep");

        read.Should().Throw<FormatException>().WithMessage(message + "*");
    }

    [Fact]
    public void A_property_without_a_colon_is_an_error_naming_its_line()
    {
        var source = new BicepSource("""
            module m 'm.bicep' = {
              params: {
                good: 1
                broken
              }
            }
            """, "main.bicep");

        var read = () => source.Declarations("module");

        read.Should().Throw<FormatException>().WithMessage("main.bicep:4: expected ':' after property 'broken'*");
    }
}
