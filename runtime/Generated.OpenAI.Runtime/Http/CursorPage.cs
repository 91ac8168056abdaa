using System.Collections.Generic;

namespace Generated.OpenAI.Http;

/// <summary>One page of a cursor-paginated list (<c>data</c>, <c>has_more</c>, <c>last_id</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The page's items (<c>data</c>).</param>
/// <param name="HasMore">Whether more items follow (<c>has_more</c>).</param>
/// <param name="LastId">The cursor for the next page (<c>last_id</c>, or the last item's id).</param>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, bool HasMore, string? LastId);
