// admin: operator-only views and actions (the ops pages and the console call these).
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import * as members from '../common/services/members';

export const main = defineFunction({
  name: 'admin',
  actions: {
    listMembers: action({
      auth: 'operator',
      input: z
        .object({
          cursor: z.string().min(1).max(200).optional(),
          limit: z.number().int().min(1).max(50).default(20),
        })
        .strict(),
      run: (input) => members.listMembers(input.cursor, input.limit),
    }),
  },
});
