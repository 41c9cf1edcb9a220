using System.CommandLine;
using Ingest.Cli.Commands;
using Spectre.Console;

if (Console.IsOutputRedirected)
{
    // Logs and CI output: plain text, and tables wide enough not to wrap timestamps.
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Width = 220;
}

var verbose = new Option<bool>("--verbose", "-v") { Description = "Log every step (information level) to stderr.", Recursive = true };
var root = new RootCommand("ingest: snapshot and change data capture from SQL Server and PostgreSQL into analytics tables, staged through blob storage.")
{
    verbose,
    ValidateCommand.Create(verbose),
    RunCommand.Create(verbose),
    WatchCommand.Create(verbose),
    StatusCommand.Create(verbose),
    UsageCommand.Create(verbose),
    ReportCommand.Create(verbose),
    DemoCommand.Create(verbose),
    SchemaCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
