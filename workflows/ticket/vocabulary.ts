/** A ticket's statuses and kinds of resolution, declared once as plain constants (the workflow bundle imports them too). */
export const ticketStatuses = ['open', 'waitingOnCustomer', 'forwarded', 'relieved', 'resolved', 'closed', 'rejected'] as const;
export const targetStatuses = ['running', 'paused', 'suspended', 'met', 'cancelled'] as const;
export const resolutionKinds = ['resolution', 'workaround', 'resolutionPlan'] as const;
