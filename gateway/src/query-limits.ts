/**
 * Validation rules that refuse queries too deep or too wide before any subgraph is asked:
 * nesting depth (through fragments) and the number of field selections, aliases included.
 */
import { LifeboatError } from '@lifeboat/errors';
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Apollo reports validation errors as GRAPHQL_VALIDATION_FAILED; the LifeboatError inside keeps our code. */
function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { originalError: new LifeboatError('QUERY_TOO_COMPLEX', message) });
}

export function queryLimitsRule(maxDepth: number, maxFields: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    let fields = 0;

    const depthOf = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
      let deepest = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          fields++;
          if (sel.selectionSet) deepest = Math.max(deepest, depthOf(sel.selectionSet, depth + 1, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(sel.selectionSet, depth, seen));
        } else {
          const name = sel.name.value;
          const fragment = fragments.get(name);
          if (fragment && !seen.has(name)) deepest = Math.max(deepest, depthOf(fragment.selectionSet, depth, new Set([...seen, name])));
        }
        if (deepest > maxDepth) return deepest;
      }
      return deepest;
    };

    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 1, new Set());
        if (depth > maxDepth) context.reportError(tooComplex(`query depth ${depth} exceeds the limit of ${maxDepth}`));
        if (fields > maxFields) context.reportError(tooComplex(`query selects ${fields} fields, more than the limit of ${maxFields}`));
      },
    };
  };
}
