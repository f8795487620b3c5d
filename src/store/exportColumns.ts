/** The tables `rapport export` writes and their columns, in order: the same from either back end. */
export const EXPORT_COLUMNS = {
  customers: ['id', 'name', 'email', 'phone', 'type', 'account_manager', 'created_date', 'attributes'],
  transactions: ['id', 'customer_id', 'date', 'time', 'amount', 'quantity', 'unit_price', 'product', 'channel', 'staff', 'payment_method', 'external_id', 'extra', 'import_id', 'line'],
  complaints: [
    'id', 'customer_id', 'created_at', 'category', 'priority', 'product', 'summary', 'how', 'why', 'staff', 'other_issues', 'reasonable', 'wanted', 'status', 'assignee', 'due_at', 'resolved_at',
    'resolution', 'compensation', 'satisfied', 'closed_at',
  ],
  rejects: ['id', 'import_id', 'line', 'field', 'reason', 'raw'],
} as const;
