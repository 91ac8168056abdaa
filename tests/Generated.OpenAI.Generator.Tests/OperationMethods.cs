using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>
/// The generated client methods of an assembly compiled from a spec (loaded, not referenced), mapped to the spec's
/// operations through <see cref="OpenApiOperationAttribute"/>, and called over a handler that records the request.
/// Shared by the generator tests (small specs) and the SDK tests (a spec newer than the pin).
/// </summary>
internal static class OperationMethods
{
    private static readonly string[] s_methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>The outcome of <see cref="CheckAll"/>.</summary>
    internal sealed record Check(int Passed, int Total, int Called, IReadOnlyList<string> Failures, IReadOnlyList<string> NotCalled);

    /// <summary>Every method carrying <see cref="OpenApiOperationAttribute"/>, on a client whose requests go to <paramref name="handler"/>.</summary>
    public static List<(object Owner, (MethodInfo Method, OpenApiOperationAttribute Attribute) Generated)> FindAll(Assembly assembly, HttpMessageHandler handler)
    {
        Type clientType = assembly.GetTypes().Single(t => t.Name == "OpenAIClient" && t.IsPublic);
        var options = new OpenAIClientOptions { ApiKey = "sk-test-operations", AdminApiKey = "sk-admin-test-operations", BaseUrl = new Uri("http://localhost/v1"), MaxRetries = 0 };
        object client = Activator.CreateInstance(clientType, options, new HttpClient(handler), null)!;
        var found = new List<(object, (MethodInfo, OpenApiOperationAttribute))>();
        var seen = new HashSet<Type>();
        Walk(client);
        return found;

        void Walk(object owner)
        {
            if (!seen.Add(owner.GetType()))
            {
                return;
            }
            foreach (MethodInfo method in owner.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<OpenApiOperationAttribute>() is { } attribute)
                {
                    found.Add((owner, (method, attribute)));
                }
            }
            foreach (PropertyInfo property in owner.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (property.PropertyType.Name.EndsWith("Resource", StringComparison.Ordinal) && property.GetValue(owner) is { } child)
                {
                    Walk(child);
                }
            }
        }
    }

    /// <summary>The methods of <see cref="FindAll"/>, flattened.</summary>
    public static IEnumerable<(object Owner, (MethodInfo Method, OpenApiOperationAttribute Attribute) Generated)> Find(Assembly assembly, HttpMessageHandler handler) => FindAll(assembly, handler);

    /// <summary>
    /// Calls a generated method: arguments by C# parameter name from <paramref name="values"/>, optional ones left to
    /// their defaults, a body created with its parameterless constructor, other required ones synthesized. Awaits it;
    /// an exception while reading the (canned) answer is the caller's to judge from what was recorded.
    /// </summary>
    public static async Task InvokeAsync(object owner, (MethodInfo Method, OpenApiOperationAttribute Attribute) generated, IReadOnlyDictionary<string, object?> values)
    {
        ParameterInfo[] parameters = generated.Method.GetParameters();
        object?[] args = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            ParameterInfo p = parameters[i];
            args[i] = values.TryGetValue(p.Name!, out object? value) ? value
                : p.HasDefaultValue ? (p.DefaultValue ?? (p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null))
                : Synthesize(p.ParameterType);
        }
        object? result = generated.Method.Invoke(owner, args);
        if (result is Task task)
        {
            await task.ConfigureAwait(false);
            if (task.GetType().GetProperty("Result")?.GetValue(task) is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    private static object? Synthesize(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) { return "value"; }
        if (type == typeof(long)) { return 1L; }
        if (type == typeof(double)) { return 1.0; }
        if (type == typeof(bool)) { return true; }
        if (type.IsEnum) { return Enum.GetValues(type).GetValue(0); }
        return type.IsClass && type.GetConstructor(Type.EmptyTypes) is { } constructor ? constructor.Invoke(null) : null;
    }

    /// <summary>
    /// Every operation under <c>paths</c> of <paramref name="spec"/> has a generated method whose attribute gives back
    /// its method and path key (template, then the fixed query); every method of an operation without a request body
    /// is called, and the request must go to the template with the path parameters in place and the fixed query.
    /// </summary>
    public static Check CheckAll(JsonElement spec, Assembly assembly)
    {
        var handler = new RecordingHandler();
        var calls = FindAll(assembly, handler).Where(m => m.Generated.Attribute.Variant == OpenApiMethodVariant.Call)
            .ToLookup(m => m.Generated.Attribute.OperationId, StringComparer.Ordinal);
        var failures = new List<string>();
        var notCalled = new List<string>();
        int total = 0, passed = 0, called = 0;
        foreach (JsonProperty path in spec.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty member in path.Value.EnumerateObject().Where(m => s_methods.Contains(m.Name)))
            {
                total++;
                string operationId = member.Value.GetProperty("operationId").GetString()!;
                string method = member.Name.ToUpperInvariant();
                var methods = calls[operationId].ToList();
                var problems = new List<string>();
                if (methods.Count == 0)
                {
                    problems.Add("no generated method");
                }
                foreach (var (owner, generated) in methods)
                {
                    var a = generated.Attribute;
                    string key = a.Path + (a.Query is null ? "" : "?" + a.Query);
                    if (a.Method != method || key != path.Name)
                    {
                        problems.Add($"{generated.Method.Name} says {a.Method} {key}");
                        continue;
                    }
                    if (member.Value.TryGetProperty("requestBody", out _) && a.RequestContentType != "application/json")
                    {
                        continue; // the path does not depend on a form or text body, which a test cannot make up generally
                    }
                    string? problem = CallAndCompare(owner, generated, handler).GetAwaiter().GetResult();
                    if (problem is not null && a.RequestContentType is not null && problem.StartsWith("sent 0 requests (", StringComparison.Ordinal))
                    {
                        notCalled.Add($"{operationId}: {problem}"); // a body made up with its constructor that cannot be written; the key was checked above
                        continue;
                    }
                    called++;
                    if (problem is not null)
                    {
                        problems.Add($"{generated.Method.Name}: {problem}");
                    }
                }
                if (problems.Count == 0)
                {
                    passed++;
                }
                else
                {
                    failures.Add($"{operationId} ({method} {path.Name}): {string.Join("; ", problems)}");
                }
            }
        }
        return new Check(passed, total, called, failures, notCalled);
    }

    private static async Task<string?> CallAndCompare(object owner, (MethodInfo Method, OpenApiOperationAttribute Attribute) generated, RecordingHandler handler)
    {
        // Path parameters: each C# parameter whose name is a template parameter's without underscores gets its own value.
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        string expected = generated.Attribute.Path;
        foreach (string name in TemplateParameters(generated.Attribute.Path))
        {
            ParameterInfo? parameter = generated.Method.GetParameters().FirstOrDefault(p => string.Equals(p.Name, name.Replace("_", ""), StringComparison.OrdinalIgnoreCase));
            if (parameter is null)
            {
                return $"no parameter for {{{name}}}";
            }
            object value = parameter.ParameterType == typeof(string) ? "v_" + name : Synthesize(parameter.ParameterType)!;
            values[parameter.Name!] = value;
            expected = expected.Replace("{" + name + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        int before = handler.Requests.Count;
        Exception? error = null;
        try
        {
            await InvokeAsync(owner, generated, values).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            error = exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;
        }
        if (handler.Requests.Count != before + 1)
        {
            return $"sent {handler.Requests.Count - before} requests" + (error is null ? "" : $" ({error.GetType().Name}: {error.Message})");
        }
        HttpRequestMessage request = handler.Requests[^1];
        string actualPath = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        var query = Uri.UnescapeDataString(request.RequestUri.Query.TrimStart('?')).Split('&', StringSplitOptions.RemoveEmptyEntries);
        if (request.Method.Method != generated.Attribute.Method || actualPath != "/v1" + expected)
        {
            return $"sent {request.Method.Method} {actualPath}, expected {generated.Attribute.Method} /v1{expected}";
        }
        foreach (string pair in (generated.Attribute.Query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!query.Contains(pair, StringComparer.Ordinal))
            {
                return $"sent the query '{request.RequestUri.Query}' without {pair}";
            }
        }
        return null;
    }

    private static IEnumerable<string> TemplateParameters(string template)
    {
        int at = 0;
        while ((at = template.IndexOf('{', at)) >= 0)
        {
            int close = template.IndexOf('}', at);
            yield return template.Substring(at + 1, close - at - 1);
            at = close + 1;
        }
    }
}

/// <summary>Answers every request with <c>{"id":"resp_1"}</c> and keeps it.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"id":"resp_1"}""", System.Text.Encoding.UTF8, "application/json") });
    }
}
