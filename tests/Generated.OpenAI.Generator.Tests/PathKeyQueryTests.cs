using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>
/// Path keys that carry a query string (<c>/responses?beta=true</c>, as newer OpenAI specs key their beta operations):
/// the method sends the fixed query on every request with the path parameters in place, and a key that cannot be
/// mapped to a URL is a diagnostic naming the operation, never a method that calls the wrong URL.
/// </summary>
public class PathKeyQueryTests
{
    internal const string BetaSpec = """
        {"openapi":"3.1.0","info":{"title":"t","version":"1"},
         "paths":{
          "/responses":{"post":{"operationId":"createResponse",
            "requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/CreateResponse"}}}},
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Response"}}}}}}},
          "/responses?beta=true":{"post":{"operationId":"beta_createResponse",
            "requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/CreateResponse"}}}},
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Response"}}}}}}},
          "/responses/{response_id}":{"get":{"operationId":"getResponse",
            "parameters":[{"name":"response_id","in":"path","required":true,"schema":{"type":"string"}},
              {"name":"include","in":"query","schema":{"type":"array","items":{"type":"string"}}}],
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Response"}}}}}}},
          "/responses/{response_id}?beta=true":{"get":{"operationId":"beta_getResponse",
            "parameters":[{"name":"response_id","in":"path","required":true,"schema":{"type":"string"}},
              {"name":"include","in":"query","schema":{"type":"array","items":{"type":"string"}}}],
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Response"}}}}}},
           "delete":{"operationId":"beta_deleteResponse",
            "parameters":[{"name":"response_id","in":"path","required":true,"schema":{"type":"string"}}],
            "responses":{"200":{"description":"ok"}}}}
         },
         "components":{"schemas":{
          "CreateResponse":{"type":"object","properties":{"model":{"type":"string"}}},
          "Response":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}
         }}}
        """;

    private static readonly Lazy<Assembly> s_assembly = new(() => GeneratorHarness.CompileAndLoad(BetaSpec, "Beta.Models"));

    [Theory]
    [InlineData("createResponse", "POST", "/v1/responses")]
    [InlineData("beta_createResponse", "POST", "/v1/responses?beta=true")]
    [InlineData("getResponse", "GET", "/v1/responses/resp_1?include[]=x")]
    [InlineData("beta_getResponse", "GET", "/v1/responses/resp_1?beta=true&include[]=x")]
    [InlineData("beta_deleteResponse", "DELETE", "/v1/responses/resp_1?beta=true")]
    public async Task A_fixed_query_in_the_path_key_is_sent_on_every_request_with_the_path_parameters_in_place(string operationId, string method, string expected)
    {
        var handler = new RecordingHandler();
        var (owner, generated) = OperationMethods.Find(s_assembly.Value, handler).Single(m => m.Generated.Attribute.OperationId == operationId);

        await OperationMethods.InvokeAsync(owner, generated, new Dictionary<string, object?> { ["responseId"] = "resp_1", ["include"] = new List<string> { "x" } });

        HttpRequestMessage request = Assert.Single(handler.Requests);
        Assert.Equal(method, request.Method.Method);
        // Path and query apart: an escaped '?' (%3F) in the path is the wrong URL even though it unescapes the same.
        string[] parts = expected.Split('?');
        Assert.Equal(parts[0], Uri.UnescapeDataString(request.RequestUri!.AbsolutePath));
        Assert.Equal(parts.Length > 1 ? "?" + parts[1] : "", Uri.UnescapeDataString(request.RequestUri.Query));
    }

    [Fact]
    public void Beta_methods_are_named_after_their_operationId_beside_the_non_beta_ones_and_say_their_query()
    {
        var (run, diagnostics) = GeneratorHarness.RunAndCompile(BetaSpec);

        Assert.Empty(diagnostics);
        string source = string.Join("\n", run.Results.Single().GeneratedSources.Where(s => s.HintName.StartsWith("Clients.", StringComparison.Ordinal)).Select(s => s.SourceText.ToString()));
        Assert.Contains("CreateResponseAsync(", source);
        Assert.Contains("BetaCreateResponseAsync(", source);
        Assert.Contains("BetaGetResponseAsync(string responseId,", source);
        Assert.Contains("""[global::Generated.OpenAI.Http.OpenApiOperation("beta_getResponse", "GET", "/responses/{response_id}", Variant = global::Generated.OpenAI.Http.OpenApiMethodVariant.Call, Query = "beta=true")]""", source);
        Assert.Contains("<c>GET /responses/{response_id}?beta=true</c>", source);
    }

    [Fact]
    public void Every_operation_of_a_spec_with_query_path_keys_has_a_method_whose_attribute_gives_back_its_path_key()
    {
        var check = OperationMethods.CheckAll(System.Text.Json.JsonDocument.Parse(BetaSpec).RootElement, s_assembly.Value);

        Console.WriteLine($"{check.Passed} of {check.Total} operations");
        Assert.Empty(check.Failures);
        Assert.Equal((5, 5), (check.Passed, check.Total));
    }

    [Theory]
    [InlineData("/things/{thing_id?beta=true", "thing_id", "does not close the brace")]
    [InlineData("/things/thing_id}?beta=true", "thing_id", "closes a brace at 16 that was not opened")]
    [InlineData("/things/{}", "thing_id", "empty parameter")]
    [InlineData("/things/{thing_id}?beta=true", "other_id", "the path parameter 'thing_id' has no parameter definition")]
    [InlineData("/things?beta=true", "thing_id", "the path parameter 'thing_id' does not appear in the path template '/things'")]
    [InlineData("/things/{thing_id}?beta=true&include=x", "thing_id", "the path key's query 'include' is also a declared query parameter")]
    [InlineData("/things/{thing_id}?beta={flag}", "thing_id", "holds a parameter")]
    [InlineData("/things/{thing_id}?=true", "thing_id", "has no name")]
    public void A_path_key_that_cannot_be_mapped_is_a_diagnostic_naming_the_operation_and_no_method(string key, string parameter, string reason)
    {
        string spec = """
            {"openapi":"3.1.0","info":{"title":"t","version":"1"},
             "paths":{
              "KEY":{"get":{"operationId":"getThing",
                "parameters":[{"name":"PARAMETER","in":"path","required":true,"schema":{"type":"string"}},
                  {"name":"include","in":"query","schema":{"type":"string"}}],
                "responses":{"200":{"description":"ok"}}}},
              "/others":{"get":{"operationId":"listOthers","responses":{"200":{"description":"ok"}}}}
             },
             "components":{"schemas":{}}}
            """.Replace("KEY", key, StringComparison.Ordinal).Replace("PARAMETER", parameter, StringComparison.Ordinal);

        var (run, compile) = GeneratorHarness.RunAndCompile(spec);

        Diagnostic diagnostic = Assert.Single(run.Diagnostics, d => d.Id == "OAIGEN101");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        string message = diagnostic.GetMessage();
        Assert.Contains($"Operation 'getThing' (GET {key}) has no client method", message);
        Assert.Contains(reason, message);
        Assert.Empty(compile.Where(d => d.Id != "OAIGEN101"));
        string source = string.Join("\n", run.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.DoesNotContain("\"getThing\"", source);
        Assert.Contains("\"listOthers\"", source);
    }
}
