import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Counts item writes sent through a client (each item of a transaction or batch counts once). */
export function countWrites(doc: DynamoDBDocumentClient): { readonly writes: () => number; reset(): void } {
  let writes = 0;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> };
      switch (context.commandName) {
        case 'PutItemCommand':
        case 'UpdateItemCommand':
        case 'DeleteItemCommand':
          writes += 1;
          break;
        case 'TransactWriteItemsCommand':
          writes += input.TransactItems?.length ?? 0;
          break;
        case 'BatchWriteItemCommand':
          writes += Object.values(input.RequestItems ?? {}).reduce((n, items) => n + items.length, 0);
          break;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return { writes: () => writes, reset: () => void (writes = 0) };
}
