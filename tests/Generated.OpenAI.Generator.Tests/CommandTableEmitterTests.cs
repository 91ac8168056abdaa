using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Generated.OpenAI.Generator.Parser;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>
/// The command table of OpenAI's command line (<c>OpenApiEmitCommandTable=true</c>): named by the parser, emitted only
/// on request, and alone with <c>OpenApiEmitModels=false</c>.
/// </summary>
public sealed class CommandTableEmitterTests
{
    private const string Spec = """
        {"openapi":"3.1.0","info":{"title":"t","version":"1"},
         "paths":{
          "/widgets":{
            "get":{"operationId":"listWidgets","summary":"List widgets.","parameters":[{"name":"after","in":"query","schema":{"type":"string"}},{"name":"limit","in":"query","schema":{"type":"integer"}}],
                   "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/WidgetList"}}}}}},
            "post":{"operationId":"createWidget","summary":"Create a widget.","requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/CreateWidgetRequest"}}}},
                   "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Widget"}},"text/event-stream":{"schema":{"$ref":"#/components/schemas/Widget"}}}}}}},
          "/widgets/{widget_id}":{
            "get":{"operationId":"getWidget","parameters":[{"name":"widget_id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Widget"}}}}}},
            "post":{"operationId":"modifyWidget","parameters":[{"name":"widget_id","in":"path","required":true,"schema":{"type":"string"}}],"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/CreateWidgetRequest"}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Widget"}}}}}},
            "delete":{"operationId":"deleteWidget","parameters":[{"name":"widget_id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}},
          "/widgets/{widget_id}/cancel":{
            "post":{"operationId":"cancelWidget","parameters":[{"name":"widget_id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Widget"}}}}}}},
          "/widget_files":{
            "post":{"operationId":"uploadWidgetFile","requestBody":{"content":{"multipart/form-data":{"schema":{"type":"object","required":["file"],"properties":{"file":{"type":"string","format":"binary","description":"The file."},"purpose":{"type":"string"},"images":{"anyOf":[{"type":"string","format":"binary"},{"type":"array","items":{"type":"string","format":"binary"}}]}}}}}},
                    "responses":{"200":{"description":"ok","content":{"application/octet-stream":{"schema":{"type":"string","format":"binary"}}}}}}},
          "/organization/service_accounts":{
            "post":{"operationId":"createServiceAccount","security":[{"AdminApiKeyAuth":[]}],"responses":{"200":{"description":"ok"}}}}
         },
         "components":{"schemas":{
           "Widget":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}},
           "WidgetList":{"type":"object","required":["data","has_more","last_id"],"properties":{"data":{"type":"array","items":{"$ref":"#/components/schemas/Widget"}},"has_more":{"type":"boolean"},"last_id":{"type":"string"}}},
           "CreateWidgetRequest":{"type":"object","required":["name"],"properties":{"name":{"type":"string","description":"The name."},"size":{"type":"integer"},"stream":{"type":"boolean"},"tags":{"type":"array","items":{"type":"string"}},"categories":{"type":"array","items":{"type":"string"}},"include":{"type":"array","items":{"type":"string"}},"options":{"type":"object","properties":{"color":{"type":"string"}}}}}
         }}}
        """;

    [Fact]
    public void The_parser_names_each_operation_as_openais_cli_does()
    {
        var model = SpecParser.Parse("openapi.json", Spec, "Models", CancellationToken.None);
        var names = model.Commands.ToDictionary(c => c.OperationId, c => c.Name);
        Assert.Equal("widgets list", names["listWidgets"]);
        Assert.Equal("widgets create", names["createWidget"]);
        Assert.Equal("widgets retrieve", names["getWidget"]);
        Assert.Equal("widgets update", names["modifyWidget"]);
        Assert.Equal("widgets delete", names["deleteWidget"]);
        Assert.Equal("widgets cancel", names["cancelWidget"]);
        Assert.Equal("widget-files create", names["uploadWidgetFile"]);
        Assert.Equal("admin:organization:service-accounts create", names["createServiceAccount"]);

        var create = model.Commands.Single(c => c.OperationId == "createWidget");
        Assert.Equal("json", create.BodyKind);
        Assert.True(create.Streams);
        Assert.Contains(create.BodyFields, f => f.Name == "name" && f.Kind == "string" && f.Required && f.Description == "The name.");
        Assert.Contains(create.BodyFields, f => f.Name == "options" && f.Kind == "object" && !f.Required);
        Assert.True(model.Commands.Single(c => c.OperationId == "listWidgets").Pages);
        var upload = model.Commands.Single(c => c.OperationId == "uploadWidgetFile");
        Assert.Equal("multipart", upload.BodyKind);
        Assert.Equal("binary", upload.ResponseKind);
        Assert.Contains(upload.BodyFields, f => f.Name == "file" && f.Kind == "file" && f.Required);
        Assert.True(model.Commands.Single(c => c.OperationId == "createServiceAccount").AdminAuth);
    }

    [Fact]
    public void Array_fields_repeat_and_answer_to_their_singular_and_a_file_or_files_is_a_file_flag()
    {
        var model = SpecParser.Parse("openapi.json", Spec, "Models", CancellationToken.None);
        var create = model.Commands.Single(c => c.OperationId == "createWidget").BodyFields.ToDictionary(f => f.Name);
        Assert.Equal(("array", true, "--tags", "--tag"), (create["tags"].Kind, create["tags"].Repeatable, create["tags"].Flag, create["tags"].SingularFlag));
        Assert.Equal("--category", create["categories"].SingularFlag);
        Assert.Equal((true, null), (create["include"].Repeatable, create["include"].SingularFlag)); // not a plural: no second name
        Assert.Equal((false, null), (create["name"].Repeatable, create["name"].SingularFlag));
        var upload = model.Commands.Single(c => c.OperationId == "uploadWidgetFile").BodyFields.ToDictionary(f => f.Name);
        Assert.Equal(("file", true, "--image"), (upload["images"].Kind, upload["images"].Repeatable, upload["images"].SingularFlag));
        Assert.Equal(("file", false), (upload["file"].Kind, upload["file"].Repeatable));
    }

    [Fact]
    public void Without_the_property_nothing_is_emitted()
    {
        var run = Run(new Dictionary<string, string>());
        Assert.DoesNotContain(run.GeneratedTrees, t => t.FilePath.EndsWith("OpenApiCommandTable.g.cs", StringComparison.Ordinal));
        Assert.Contains(run.GeneratedTrees, t => t.FilePath.EndsWith("Widget.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void With_the_property_the_table_is_emitted_beside_the_models()
    {
        var run = Run(new Dictionary<string, string> { ["OpenApiEmitCommandTable"] = "true" });
        var table = Assert.Single(run.GeneratedTrees, t => t.FilePath.EndsWith("OpenApiCommandTable.g.cs", StringComparison.Ordinal));
        string text = table.ToString();
        Assert.Contains("\"widgets cancel\"", text, StringComparison.Ordinal);
        Assert.Contains("\"/widgets/{widget_id}/cancel\"", text, StringComparison.Ordinal);
        Assert.Contains(run.GeneratedTrees, t => t.FilePath.EndsWith("Widget.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_models_only_the_table_is_emitted_and_it_compiles_alone()
    {
        var run = Run(new Dictionary<string, string> { ["OpenApiEmitCommandTable"] = "true", ["OpenApiEmitModels"] = "false" });
        var tree = Assert.Single(run.GeneratedTrees);
        Assert.EndsWith("OpenApiCommandTable.g.cs", tree.FilePath, StringComparison.Ordinal);
        var compilation = GeneratorHarness.CreateCompilation(tree.ToString());
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static GeneratorDriverRunResult Run(IReadOnlyDictionary<string, string> properties)
    {
        var compilation = GeneratorHarness.CreateCompilation("namespace Consumer { public static class Marker { } }");
        var driver = GeneratorHarness.CreateDriver(new[] { new GeneratorHarness.InMemoryText("/spec/openapi.json", Spec) }, "Demo.Models", properties);
        return driver.RunGenerators(compilation).GetRunResult();
    }
}
