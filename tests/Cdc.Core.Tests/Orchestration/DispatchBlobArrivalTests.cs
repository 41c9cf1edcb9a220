using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Staging;

namespace Cdc.Core.Tests.Orchestration;

public sealed class DispatchBlobArrivalTests
{
    private const string Container = "ingest-staging";
    private const string Subject = "/blobServices/default/containers/ingest-staging/blobs/";
    private const string AccountUrl = "https://acct.blob.core.windows.net/ingest-staging/";

    private static readonly IReadOnlyList<PipelineDefinition> Pipelines =
    [
        DispatchTestPipelines.Staged("orders"),
        DispatchTestPipelines.Staged("billing", prefix: "/teams/billing/"),
        DispatchTestPipelines.Staged("archive", location: "http://127.0.0.1:10000/devstoreaccount1/ingest-staging/base"),
        DispatchTestPipelines.Staged("azure", location: "https://acct.blob.core.windows.net/ingest-staging", prefix: "az"),
        DispatchTestPipelines.Staged("elsewhere", container: "other-staging"),
        DispatchTestPipelines.Staged("local", location: "/var/ingest/staging"),
        DispatchTestPipelines.Staged("rooted", location: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", prefix: ""),
    ];

    private static string Commit(string table, long sequence) => StagingLayout.CommitPath(TableId.Parse(table), sequence);

    [Theory]
    [InlineData("orders/", "orders", "public.customers", 1)]
    [InlineData("orders/", "orders", "public.customers", 42)]
    [InlineData("teams/billing/", "billing", "finance.invoices", 7)]
    [InlineData("base/archive/", "archive", "public.customers", 3)]
    [InlineData("", "rooted", "public.customers", 999_999_999_999)]
    public void A_commit_record_subject_names_its_pipeline_table_and_sequence(string prefix, string pipeline, string table, long sequence)
    {
        var arrival = BlobArrivalDispatch.Match(Subject + prefix + Commit(table, sequence), Container, Pipelines);

        arrival.Should().Be(new BlobArrival(pipeline, table, sequence));
    }

    [Theory]
    [InlineData("販売", "注文 明細")]
    [InlineData("a.b", "c\"d")]
    [InlineData("Sales", "Order%Details")]
    public void Unicode_and_punctuation_in_table_names_come_back_exactly(string schema, string name)
    {
        var table = new TableId(schema, name);

        var arrival = BlobArrivalDispatch.Match(Subject + "orders/" + StagingLayout.CommitPath(table, 5), Container, Pipelines);

        arrival.Should().NotBeNull();
        arrival!.TableId.Should().Be(table);
        arrival.Table.Should().Be(BlobArrival.TableText(table));
        arrival.Sequence.Should().Be(5);
    }

    [Theory]
    [InlineData("orders/tables/public.customers/batches/000000000001/part-00001.bin")]
    [InlineData("orders/tables/public.customers/commits/")]
    [InlineData("orders/tables/public.customers/commits/000000000000.json")]
    [InlineData("orders/tables/public.customers/commits/1.json")]
    [InlineData("orders/tables/public.customers/commits/0000000000001.json")]
    [InlineData("orders/tables/public.customers/commits/000000000001.json.tmp")]
    [InlineData("orders/tables/public.customers/commits/00000000000a.json")]
    [InlineData("orders/tables/public.customers/commits/-00000000001.json")]
    [InlineData("orders/tables/public.customers/commits/x/000000000001.json")]
    [InlineData("orders/tables/customers/commits/000000000001.json")]
    [InlineData("orders/tables/.customers/commits/000000000001.json")]
    [InlineData("orders/tables/public.a.b/commits/000000000001.json")]
    [InlineData("orders/tables/public.Order Details/commits/000000000001.json")]
    [InlineData("orders/tables/public.Order%2ddetails/commits/000000000001.json")]
    [InlineData("orders/tables/public.%c3%a9t%c3%a9/commits/000000000001.json")]
    [InlineData("orders/tables/public.%41bc/commits/000000000001.json")]
    [InlineData("orders/tables/public.bad%zz/commits/000000000001.json")]
    [InlineData("orders/tables//commits/000000000001.json")]
    [InlineData("orders//tables/public.customers/commits/000000000001.json")]
    [InlineData("orders/../orders/tables/public.customers/commits/000000000001.json")]
    [InlineData("orders/state/source.json")]
    [InlineData("orders/state/tables/public.customers.json")]
    [InlineData("orders/leases/orders.json")]
    [InlineData("orders/runs/20240701T120000-1a2b3c4d.json")]
    [InlineData("orders/usage/runs/20240701T120000-1a2b3c4d.json")]
    [InlineData("orders/usage/2024-07/ledger.json")]
    [InlineData("orders/quarantine/public.customers/000000000001/part-00001.bin")]
    [InlineData("orders/quarantine/public.customers/000000000001/part-00001.bin.note.json")]
    [InlineData("orders")]
    [InlineData("")]
    public void Every_other_blob_in_a_pipelines_area_is_ignored(string path)
    {
        BlobArrivalDispatch.Match(Subject + path, Container, Pipelines).Should().BeNull(path);
    }

    [Theory]
    [InlineData("unknown/")]
    [InlineData("orders/nested/")]
    [InlineData("teams/")]
    [InlineData("billing/")]
    [InlineData("archive/")]
    [InlineData("base/")]
    [InlineData("elsewhere/")]
    [InlineData("local/")]
    public void A_commit_record_under_no_pipelines_prefix_is_ignored(string prefix)
    {
        BlobArrivalDispatch.Match(Subject + prefix + Commit("public.customers", 1), Container, Pipelines).Should().BeNull(prefix);
    }

    [Fact]
    public void Blobs_of_another_container_are_ignored_unless_that_is_the_container_watched()
    {
        var inOther = "/blobServices/default/containers/other-staging/blobs/elsewhere/" + Commit("public.customers", 1);

        BlobArrivalDispatch.Match(inOther, Container, Pipelines).Should().BeNull();
        BlobArrivalDispatch.Match(inOther, "other-staging", Pipelines).Should().Be(new BlobArrival("elsewhere", "public.customers", 1));
        BlobArrivalDispatch.Match(Subject + "orders/" + Commit("public.customers", 1), "other-staging", Pipelines).Should().BeNull();
    }

    [Theory]
    [InlineData("/blobServices/default/containers/ingest-staging/orders/tables/public.customers/commits/000000000001.json")]
    [InlineData("/blobServices/default/containers/ingest-staging")]
    [InlineData("/blobServices/default/containers//blobs/orders/tables/public.customers/commits/000000000001.json")]
    [InlineData("/fileServices/default/shares/ingest-staging/files/orders/tables/public.customers/commits/000000000001.json")]
    [InlineData("blobServices/default/containers/ingest-staging/blobs/orders/tables/public.customers/commits/000000000001.json")]
    [InlineData("ftp://acct.blob.core.windows.net/ingest-staging/orders/tables/public.customers/commits/000000000001.json")]
    [InlineData("https://acct.blob.core.windows.net")]
    [InlineData("not a subject at all")]
    public void Subjects_and_urls_of_other_shapes_match_nothing(string subjectOrUrl)
    {
        BlobArrivalDispatch.Match(subjectOrUrl, Container, Pipelines).Should().BeNull();
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/ingest-staging/orders/tables/public.customers/commits/000000000009.json")]
    [InlineData("https://acct.blob.core.windows.net/ingest-staging/orders/tables/public.customers/commits/000000000009.json?sv=2024&sig=abc")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/ingest-staging/orders/tables/public.customers/commits/000000000009.json")]
    [InlineData("http://azurite:10000/devstoreaccount1/ingest-staging/orders/tables/public.customers/commits/000000000009.json")]
    [InlineData("HTTPS://acct.blob.core.windows.net/ingest-staging/orders/tables/public.customers/commits/000000000009.json")]
    public void Blob_urls_in_account_and_emulator_form_match(string url)
    {
        BlobArrivalDispatch.Match(url, Container, Pipelines).Should().Be(new BlobArrival("orders", "public.customers", 9));
    }

    [Fact]
    public void A_url_carries_the_blob_name_percent_encoded()
    {
        var table = new TableId("販売", "注文 明細");
        var path = "orders/" + StagingLayout.CommitPath(table, 2);
        var encoded = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

        BlobArrivalDispatch.Match(AccountUrl + encoded, Container, Pipelines).Should().Be(new BlobArrival("orders", BlobArrival.TableText(table), 2));
        // The blob name itself, unencoded in a URL, means a different (non-canonical) name: not a commit record.
        BlobArrivalDispatch.Match(AccountUrl + path, Container, Pipelines).Should().BeNull();
    }

    [Theory]
    [InlineData("orders%2Ftables%2Fpublic.customers%2Fcommits%2F000000000001.json")]
    [InlineData("orders/tables/public.customers/commits%2F000000000001.json")]
    [InlineData("orders/tables/public.Order%2520Details%2F/commits/000000000001.json")]
    [InlineData("orders/tables/public.customers/commits/000000000001%2Ejson%00")]
    [InlineData("orders/tables/public.%252/commits/000000000001.json")]
    [InlineData("orders/tables/public.customers/./commits/000000000001.json")]
    [InlineData("orders/tables/public.x/../public.customers/commits/000000000001.json")]
    [InlineData("orders/tables/public.customers/commits/000000000001.json/")]
    public void Url_encoding_oddities_match_nothing(string encodedPath)
    {
        BlobArrivalDispatch.Match(AccountUrl + encodedPath, Container, Pipelines).Should().BeNull(encodedPath);
    }

    [Fact]
    public void A_container_url_pipelines_area_is_the_urls_folder_then_its_prefix()
    {
        var url = "http://127.0.0.1:10000/devstoreaccount1/ingest-staging/base/archive/" + Commit("public.customers", 4);

        BlobArrivalDispatch.Match(url, Container, Pipelines).Should().Be(new BlobArrival("archive", "public.customers", 4));
        BlobArrivalDispatch.Match(AccountUrl + "archive/" + Commit("public.customers", 4), Container, Pipelines).Should().BeNull();
        BlobArrivalDispatch.Match(AccountUrl + "az/" + Commit("public.customers", 4), Container, Pipelines).Should().Be(new BlobArrival("azure", "public.customers", 4));
    }

    [Fact]
    public void Two_pipelines_claiming_one_area_resolve_to_the_first_by_name_and_none_match_an_empty_list()
    {
        IReadOnlyList<PipelineDefinition> sharing = [DispatchTestPipelines.Staged("zulu", prefix: "shared"), DispatchTestPipelines.Staged("alpha", prefix: "shared")];
        var subject = Subject + "shared/" + Commit("public.customers", 1);

        BlobArrivalDispatch.Match(subject, Container, sharing)!.Pipeline.Should().Be("alpha");
        BlobArrivalDispatch.Match(subject, Container, []).Should().BeNull();
    }
}
