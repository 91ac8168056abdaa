using System.Linq;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>What the client emitter makes of request and response media types.</summary>
public class GeneratorClientTests
{
    private const string Spec = """
        {"openapi":"3.1.0","info":{"title":"t","version":"1"},
         "paths":{
          "/things/{thing_id}/edits":{"post":{"operationId":"editThing",
            "parameters":[{"name":"thing_id","in":"path","required":true,"schema":{"type":"string"}}],
            "requestBody":{"required":true,"content":{
              "application/json":{"schema":{"$ref":"#/components/schemas/EditThingJson"}},
              "multipart/form-data":{"schema":{"$ref":"#/components/schemas/EditThingForm"}}}},
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}}}}},
          "/things/{thing_id}/content":{"get":{"operationId":"downloadThing",
            "parameters":[{"name":"thing_id","in":"path","required":true,"schema":{"type":"string"}}],
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"string"}}}}}}},
          "/things":{"get":{"operationId":"listThings",
            "parameters":[
              {"name":"include","in":"query","schema":{"type":"array","items":{"type":"string"}}},
              {"name":"ids[]","in":"query","schema":{"type":"array","items":{"type":"string"}}},
              {"name":"metadata","in":"query","style":"deepObject","schema":{"type":"object","additionalProperties":{"type":"string"}}},
              {"name":"created","in":"query","schema":{"type":"object","properties":{"gt":{"type":"integer"}}}}],
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}}}}},
          "/calls":{"post":{"operationId":"createCall",
            "requestBody":{"required":true,"content":{"application/sdp":{"schema":{"type":"string"}}}},
            "responses":{"201":{"description":"ok","content":{"application/sdp":{"schema":{"type":"string"}}}}}}}
         },
         "components":{"schemas":{
          "Thing":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}},
          "EditThingJson":{"type":"object","required":["prompt"],"properties":{"prompt":{"type":"string"},"image_url":{"type":"string"}}},
          "EditThingForm":{"type":"object","required":["prompt","image"],"properties":{
            "prompt":{"type":"string"},
            "image":{"type":"string","format":"binary"},
            "response_format":{"type":"string","enum":["json","text","srt"]}}}
         }}}
        """;

    [Fact]
    public void Multipart_is_preferred_another_body_type_is_an_overload_and_every_method_names_its_operation()
    {
        var (run, diagnostics) = GeneratorHarness.RunAndCompile(Spec);

        Assert.Empty(diagnostics);
        string things = Source(run, "Clients.ThingsResource.g.cs");
        Assert.Contains("""[global::Generated.OpenAI.Http.OpenApiOperation("editThing", "POST", "/things/{thing_id}/edits", Variant = global::Generated.OpenAI.Http.OpenApiMethodVariant.Call, RequestContentType = "multipart/form-data")]""", things);
        Assert.Contains("""[global::Generated.OpenAI.Http.OpenApiOperation("editThing", "POST", "/things/{thing_id}/edits", Variant = global::Generated.OpenAI.Http.OpenApiMethodVariant.Call, RequestContentType = "application/json")]""", things);
        Assert.Contains("EditThingAsync(string thingId, global::Generated.OpenAI.Models.EditThingForm body,", things);
        Assert.Contains("EditThingAsync(string thingId, global::Generated.OpenAI.Models.EditThingJson body,", things);
        Assert.Contains("PipelineContent.Multipart()", things);
        Assert.Contains("PipelineContent.Json(", things);
    }

    [Fact]
    public void A_response_format_with_text_gets_a_TextAsync_method_that_asks_for_text_unless_told_otherwise()
    {
        var (run, diagnostics) = GeneratorHarness.RunAndCompile(Spec);

        Assert.Empty(diagnostics);
        string things = Source(run, "Clients.ThingsResource.g.cs");
        Assert.Contains("ApiResponse<string>> EditThingTextAsync(string thingId, global::Generated.OpenAI.Models.EditThingForm body,", things);
        Assert.Contains("if (body.ResponseFormat is null)", things);
        Assert.Contains("body.ResponseFormat = global::Generated.OpenAI.Models.EditThingFormResponseFormat.Text;", things);
        Assert.Contains("Variant = global::Generated.OpenAI.Http.OpenApiMethodVariant.Text", things);
        Assert.DoesNotContain("EditThingJsonTextAsync", things);
    }

    [Fact]
    public void A_download_declared_as_a_JSON_string_is_raw_bytes_and_an_SDP_answer_is_text()
    {
        var (run, diagnostics) = GeneratorHarness.RunAndCompile(Spec);

        Assert.Empty(diagnostics);
        Assert.Contains("Task<global::Generated.OpenAI.Http.PipelineResponse> DownloadThingAsync(string thingId,", Source(run, "Clients.ThingsResource.g.cs"));
        string calls = Source(run, "Clients.CallsResource.g.cs");
        Assert.Contains("Task<global::Generated.OpenAI.Http.ApiResponse<string>> CreateCallAsync(string body,", calls);
        Assert.Contains("GeneratedClientSupport.SendTextAsync(", calls);
        Assert.Contains("PipelineContent.Text(body, \"application/sdp\")", calls);
    }

    [Fact]
    public void Query_arrays_go_with_brackets_and_maps_and_objects_as_deep_objects()
    {
        var (run, diagnostics) = GeneratorHarness.RunAndCompile(Spec);

        Assert.Empty(diagnostics);
        string things = Source(run, "Clients.ThingsResource.g.cs");
        Assert.Contains("request.AddQuery(\"include\", (global::System.Collections.Generic.IEnumerable<string?>?)include, global::Generated.OpenAI.Http.QueryArrayFormat.Brackets);", things);
        Assert.Contains("request.AddQuery(\"ids[]\", (global::System.Collections.Generic.IEnumerable<string?>?)ids);", things);
        Assert.Contains("GeneratedClientSupport.AddQueryMap(request, \"metadata\", metadata);", things);
        Assert.Contains("GeneratedClientSupport.AddQueryObject(request, \"created\", created);", things);
    }

    private static string Source(Microsoft.CodeAnalysis.GeneratorDriverRunResult run, string hintName) =>
        run.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}
