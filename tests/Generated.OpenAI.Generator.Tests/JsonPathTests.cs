using System.Linq;
using System.Text.Json.Nodes;
using Generated.OpenAI.SpecTool.Overlays;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>The JSONPath subset that overlays use, on a small OpenAPI-like tree.</summary>
public class JsonPathTests
{
    private static readonly JsonNode s_doc = JsonNode.Parse("""
        {
          "paths": {
            "/pets": { "get": { "operationId": "listPets", "tags": ["pets"] }, "post": { "operationId": "createPet", "deprecated": true } },
            "/a.b": { "get": { "operationId": "dotted" } }
          },
          "list": [ { "name": "a", "in": "query", "n": 1 }, { "name": "b", "in": "path", "n": 2 }, { "name": "c", "in": "query", "x": null } ]
        }
        """)!;

    private static string[] Locations(string path) => JsonPath.Parse(path).Select(s_doc).Select(m => m.Location).ToArray();

    [Fact]
    public void The_root_is_the_document()
    {
        var match = Assert.Single(JsonPath.Parse("$").Select(s_doc));
        Assert.Same(s_doc, match.Node);
        Assert.Null(match.Parent);
    }

    [Fact]
    public void Dot_and_bracket_names_select_the_same_member_and_brackets_take_any_name()
    {
        Assert.Equal(["$['paths']['/pets']['get']"], Locations("$.paths['/pets'].get"));
        Assert.Equal(["$['paths']['/pets']['get']"], Locations("$[\"paths\"]['/pets']['get']"));
        Assert.Equal("dotted", JsonPath.Parse("$.paths['/a.b'].get.operationId").Select(s_doc).Single().Node!.GetValue<string>());
        Assert.Empty(Locations("$.paths.nothing.get"));
    }

    [Fact]
    public void Wildcards_and_indexes_select_members_and_items_in_document_order()
    {
        Assert.Equal(["$['paths']['/pets']['get']", "$['paths']['/pets']['post']", "$['paths']['/a.b']['get']"], Locations("$.paths.*[*]"));
        Assert.Equal(["$['list'][1]"], Locations("$.list[1]"));
        Assert.Equal(["$['list'][2]"], Locations("$.list[-1]"));
        Assert.Empty(Locations("$.list[3]"));
    }

    [Fact]
    public void Filters_compare_members_of_each_child_with_literals()
    {
        Assert.Equal(["$['list'][0]", "$['list'][2]"], Locations("$.list[?(@.in == 'query')]"));
        Assert.Equal(["$['list'][1]"], Locations("$.list[?@.in != \"query\"]"));
        Assert.Equal(["$['list'][1]"], Locations("$.list[?(@.n == 2)]"));
        Assert.Equal(["$['list'][2]"], Locations("$.list[?(@.x == null)]"));
        Assert.Equal(["$['list'][2]"], Locations("$.list[?(@.x)]"));
        Assert.Equal(["$['list'][0]"], Locations("$.list[?(@.in == 'query' && @.n == 1)]"));
        Assert.Equal(["$['list'][0]", "$['list'][1]"], Locations("$.list[?(@.n == 1 || @.name == 'b')]"));
        Assert.Equal(["$['paths']['/pets']['post']"], Locations("$.paths.*[?(@.deprecated == true)]"));
        Assert.Equal(["$['paths']['/pets']['get']", "$['paths']['/a.b']['get']"], Locations("$.paths.*[?(!@.deprecated)]"));
    }

    [Fact]
    public void Descendants_find_a_name_at_any_depth()
    {
        Assert.Equal(3, Locations("$..operationId").Length);
        Assert.Equal(["$['list'][0]['name']", "$['list'][1]['name']", "$['list'][2]['name']"], Locations("$.list..name"));
    }

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("paths.x", 0, "starts with '$'")]
    [InlineData("$.paths[", 8, "ends where")]
    [InlineData("$.paths['x'", 11, "ends where")]
    [InlineData("$.list[?(@.n > 1)]", 13, "only == and !=")]
    [InlineData("$.list[1:2]", 8, "slices")]
    [InlineData("$.list[?(@.n == bogus)]", 16, "literal")]
    [InlineData("$ paths", 1, "expected '.' or '['")]
    public void A_bad_expression_is_a_JsonPathException_that_says_where_and_why(string expression, int position, string reason)
    {
        var ex = Assert.Throws<JsonPathException>(() => JsonPath.Parse(expression));
        Assert.Equal(position, ex.Position);
        Assert.Contains(reason, ex.Message);
        Assert.Contains($"'{expression}'", ex.Message);
    }
}
